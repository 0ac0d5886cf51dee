// Linear algebra on the last two axes, batched over the leading ones. One file per op.
#pragma once
#include <string>
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
// a @ b for inputs of rank >= 2: [..., m, k] @ [..., k, n] -> [..., m, n]; the batch
// dimensions broadcast NumPy-style. transpose_a / transpose_b (TF's) swap an operand's last
// two axes before the product, without a transpose op: [..., k, m]ᵀ @ ... .
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);
// Two operands contracted as an explicit equation "A,B->C" says (distinct letters per operand;
// no ellipses or diagonals): y[C] = Σ_{letters not in C} a[A]·b[B].
Tensor einsum(const Tensor& a, const Tensor& b, std::string equation);
// Permutes the axes: y.shape[i] = x.shape[perm[i]]; empty perm reverses the axes.
Tensor transpose(const Tensor& x, std::vector<std::int64_t> perm = {});
// Swaps the last two axes (rank >= 2): each matrix transposed.
Tensor matrix_transpose(const Tensor& x);
// The main diagonal of each matrix: [..., m, n] -> [..., min(m, n)].
Tensor diag_part(const Tensor& x);
// Square matrices with x's last axis on the diagonal: [..., n] -> [..., n, n].
Tensor diag(const Tensor& x);
// The sum of each matrix's main diagonal: [..., m, n] -> [...].
Tensor trace(const Tensor& x);
// Factorisations of square matrices [..., n, n] (linalg/factor.hpp). A singular matrix is an
// error naming it (inverse, solve); cholesky factors the symmetric part (A + Aᵀ)/2.
Tensor matrix_inverse(const Tensor& a);
Tensor det(const Tensor& a);
Tensor log_abs_det(const Tensor& a);  // log |det A|
// X with A·X = B; b is [..., n, k] with a's batch shape.
Tensor solve(const Tensor& a, const Tensor& b);
// Lower L with L·Lᵀ = (A + Aᵀ)/2.
Tensor cholesky(const Tensor& a);
// X with T·X = B, T the lower (or upper) triangle of a, the other triangle not read.
Tensor triangular_solve(const Tensor& a, const Tensor& b, bool lower = true);
}  // namespace tc
