// cholesky(a): the lower-triangular L with L·Lᵀ = A_s and a positive diagonal, for each matrix
// of a [..., n, n], where A_s = (A + Aᵀ)/2 is a's symmetric part (tf.linalg.cholesky on a
// symmetric input). TF and torch read only the lower triangle yet return a symmetric gradient;
// reading the symmetric part makes the function whose derivative is that gradient, so finite
// differences of any one entry agree with it.
// Murray (2016, "Differentiation of the Cholesky decomposition", as TF's _CholeskyGrad):
//   P = Φ(Lᵀ·G), Φ = the lower triangle with the diagonal halved; S = L⁻ᵀ·P·L⁻¹;
//   ∂L/∂A = (S + Sᵀ)/2.
// L⁻¹ is triangular_solve(L, I); Φ a product with a constant mask: every step an engine op,
// so an outer tape records the gradient (second order; TF's double backward of cholesky).
// Edge: a symmetric part that is not positive definite (a pivot ≤ 0) is an error naming the
// matrix (TF: "Cholesky decomposition was not successful"). The domain is positive definite
// by construction (B·Bᵀ + I/2, linalg/factor.hpp), and from elsewhere a matrix must have
// pivots ≥ 0.1 and condition ≤ 100.
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/factor.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const auto p = kernel::plan_square("cholesky", in[0].spec.shape);
  const std::int64_t n = p.n;
  std::vector<S> sym(static_cast<std::size_t>(n * n));
  for (std::int64_t b = 0; b < p.batch; ++b) {
    const S* a = in[0].data + b * n * n;
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j) sym[static_cast<std::size_t>(i * n + j)] = (a[i * n + j] + a[j * n + i]) * S(0.5);
    if (!kernel::cholesky_factor(sym.data(), n, out.data + b * n * n))
      throw Error("cholesky: matrix " + std::to_string(b) + " of the batch is not positive definite");
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("cholesky", n, 1);
  kernel::expect_floating("cholesky", in[0], 0);
  kernel::plan_square("cholesky", in[0].shape);
  return in[0];
}

// A constant n×n matrix of x's dtype with entries f(i, j).
template <class F>
Tensor constant_matrix(std::int64_t n, DType dtype, F f) {
  std::vector<double> v(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) v[static_cast<std::size_t>(i * n + j)] = f(i, j);
  return Tensor::constant(std::move(v), Shape{n, n}, dtype);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& l = a.output;
  const std::int64_t n = l.shape()[l.shape().rank() - 1];
  const DType dt = l.dtype();
  const Tensor phi = constant_matrix(n, dt, [](std::int64_t i, std::int64_t j) { return i > j ? 1.0 : i == j ? 0.5 : 0.0; });
  const Tensor eye = constant_matrix(n, dt, [](std::int64_t i, std::int64_t j) { return i == j ? 1.0 : 0.0; });
  const Tensor l_inv = triangular_solve(l, broadcast_to(eye, l.shape().to_vector()), /*lower=*/true);
  const Tensor middle = mul(matmul(l, a.grad, /*transpose_a=*/true), phi);
  const Tensor s = matmul(matmul(l_inv, middle, /*transpose_a=*/true), l_inv);
  g[0] = mul(add(s, matrix_transpose(s)), Tensor::scalar(0.5, dt));
}

}  // namespace

extern const OpDef op_cholesky = OpRow("cholesky", "linalg").input(OpInput("a")).result(ResultDType::of_input(0))
    .shape_rule("[..., n, n] -> [..., n, n] (lower triangular)").traits(Trait::linalg)
    .math("L L^T = (A + A^T)/2; S = L^-T Phi(L^T G) L^-1, dA = (S + S^T)/2 (Murray 2016)")
    .complex_step_ok()
    .sample_shape(&sample_matrix_shape).sample_input(&sample_positive_definite).accepts_operand(&accepts_positive_definite)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor cholesky(const Tensor& a) { return apply_op(op_cholesky, {a}); }

}  // namespace tc
