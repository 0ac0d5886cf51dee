// What the factorisation ops (matrix_inverse, det, log_abs_det, solve, cholesky,
// triangular_solve) share: the batch-of-square-matrices plan, LU with partial pivoting and
// Cholesky written once over the scalar types (pivots chosen on real parts, so the complex-step
// and dual evaluations take the very same steps), and the table hooks that keep generated
// matrices well away from singular: a sampler that builds them so (the issue's "by
// construction") and an operand check for matrices from elsewhere in a graph.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/ops/kernel.hpp"

namespace tc::kernel {

struct SquareBatch {
  std::int64_t batch = 0, n = 0;  // `batch` matrices of n×n
};

// x as a batch of square matrices [..., n, n], or ShapeError naming the op and the shape.
SquareBatch plan_square(const char* op, const Shape& x);

// Factors the n×n row-major matrix `a` in place into P·A = L·U (L unit lower below the
// diagonal, U on and above it); perm[i] is the original row now at row i; `parity` is +1 or
// -1, the sign of P. Pivots by the largest real part magnitude. False if a pivot is exactly 0.
template <class S>
bool lu_factor(S* a, std::int64_t n, std::vector<std::int64_t>& perm, int& parity) {
  perm.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) perm[static_cast<std::size_t>(i)] = i;
  parity = 1;
  for (std::int64_t c = 0; c < n; ++c) {
    std::int64_t p = c;
    for (std::int64_t r = c + 1; r < n; ++r)
      if (std::abs(real_part(a[r * n + c])) > std::abs(real_part(a[p * n + c]))) p = r;
    if (real_part(a[p * n + c]) == 0) return false;
    if (p != c) {
      for (std::int64_t j = 0; j < n; ++j) std::swap(a[p * n + j], a[c * n + j]);
      std::swap(perm[static_cast<std::size_t>(p)], perm[static_cast<std::size_t>(c)]);
      parity = -parity;
    }
    for (std::int64_t r = c + 1; r < n; ++r) {
      const S f = quotient(a[r * n + c], a[c * n + c]);
      a[r * n + c] = f;
      for (std::int64_t j = c + 1; j < n; ++j) a[r * n + j] -= f * a[c * n + j];
    }
  }
  return true;
}

// The sign of a triangular n×n matrix's determinant times `parity` (parity · Π sign t_ii, on
// real parts), 0 where a diagonal entry is 0: det A from lu_factor's U and its row swaps, or
// triangular_solve's T (parity 1). Solve, matrix_inverse, log_abs_det and triangular_solve
// record it in Branches: det = 0 is a pole, and a difference stencil that crosses it (a 1×1
// matrix 0.00135 from 0, steps of 0.002) differences across the pole.
template <class S>
int det_sign(const S* triangular, std::int64_t n, int parity) {
  int sign = parity;
  for (std::int64_t i = 0; i < n; ++i) {
    const double u = real_part(triangular[i * n + i]);
    sign = u > 0 ? sign : u < 0 ? -sign : 0;
  }
  return sign;
}

// Factors a copy of each matrix of x (a batch of n×n) and calls
// visit(b, lu, perm, parity, factored) with lu_factor's results for matrix b.
template <class S, class Visit>
void for_each_lu(const SquareBatch& p, const S* x, Visit visit) {
  std::vector<S> lu;
  std::vector<std::int64_t> perm;
  int parity = 0;
  for (std::int64_t b = 0; b < p.batch; ++b) {
    lu.assign(x + b * p.n * p.n, x + (b + 1) * p.n * p.n);
    const bool factored = lu_factor(lu.data(), p.n, perm, parity);
    visit(b, lu, perm, parity, factored);
  }
}

// Solves A·X = B for the k columns of B (n×k, row-major) in place, given lu_factor's result.
template <class S>
void lu_solve(const S* lu, const std::vector<std::int64_t>& perm, std::int64_t n, S* b, std::int64_t k) {
  std::vector<S> x(static_cast<std::size_t>(n * k));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < k; ++j) x[static_cast<std::size_t>(i * k + j)] = b[perm[static_cast<std::size_t>(i)] * k + j];
  for (std::int64_t j = 0; j < k; ++j) {
    for (std::int64_t i = 0; i < n; ++i)  // L y = P b
      for (std::int64_t t = 0; t < i; ++t) x[static_cast<std::size_t>(i * k + j)] -= lu[i * n + t] * x[static_cast<std::size_t>(t * k + j)];
    for (std::int64_t i = n - 1; i >= 0; --i) {  // U x = y
      for (std::int64_t t = i + 1; t < n; ++t) x[static_cast<std::size_t>(i * k + j)] -= lu[i * n + t] * x[static_cast<std::size_t>(t * k + j)];
      x[static_cast<std::size_t>(i * k + j)] = quotient(x[static_cast<std::size_t>(i * k + j)], lu[i * n + i]);
    }
  }
  std::copy(x.begin(), x.end(), b);
}

// Solves T·X = B in place for triangular T (n×n; only its `lower` or upper triangle is read)
// and B n×k. The diagonal must be non-zero.
template <class S>
void triangular_solve_in_place(const S* t, std::int64_t n, bool lower, S* b, std::int64_t k) {
  for (std::int64_t j = 0; j < k; ++j)
    for (std::int64_t s = 0; s < n; ++s) {
      const std::int64_t i = lower ? s : n - 1 - s;
      S v = b[i * k + j];
      if (lower)
        for (std::int64_t c = 0; c < i; ++c) v -= t[i * n + c] * b[c * k + j];
      else
        for (std::int64_t c = i + 1; c < n; ++c) v -= t[i * n + c] * b[c * k + j];
      b[i * k + j] = quotient(v, t[i * n + i]);
    }
}

// The Cholesky factor L (lower, row-major, zeros above) of the symmetric n×n matrix `a`, of
// which only the lower triangle is read. False if a pivot's real part is not positive.
template <class S>
bool cholesky_factor(const S* a, std::int64_t n, S* l) {
  using std::sqrt;
  for (std::int64_t i = 0; i < n * n; ++i) l[i] = S(0);
  for (std::int64_t j = 0; j < n; ++j) {
    S d = a[j * n + j];
    for (std::int64_t t = 0; t < j; ++t) d -= l[j * n + t] * l[j * n + t];
    if (!(real_part(d) > 0)) return false;
    l[j * n + j] = sqrt(d);
    for (std::int64_t i = j + 1; i < n; ++i) {
      S v = a[i * n + j];
      for (std::int64_t t = 0; t < j; ++t) v -= l[i * n + t] * l[j * n + t];
      l[i * n + j] = quotient(v, l[j * n + j]);
    }
  }
  return true;
}

}  // namespace tc::kernel

namespace tc {

// Table hooks (OpDef::sample_input, OpDef::accepts_operand) for a slot `matrix_slot` that
// takes a batch of square matrices; other slots are sampled uniformly from [-2, 2] and
// always accepted.
//   invertible: D + E, D diagonal with entries ±[1, 2], E entries in ±0.4/n: strictly
//     diagonally dominant, so ‖A⁻¹‖ ≤ 1/0.6 and every determinant is far from 0. Accepted
//     from elsewhere when the 1-norm condition number is ≤ 100 / margin_scale.
//   triangular: the same, the other triangle ignored by the op (so its check reads one
//     triangle: |t_ii| ≥ 0.25·margin_scale·max|t_ij| and condition ≤ 100 / margin_scale).
//   positive definite: B·Bᵀ + I/2 with B entries in ±1/√n (A·Aᵀ + εI); accepted when the
//     symmetric part's Cholesky pivots are ≥ 0.1·margin_scale and its condition ≤ 100/margin_scale.
// A shape hook (OpDef::sample_shape) for ops on a batch of square matrices: slot 0 gets
// [n, n] or [b, n, n] with n, b in 1..3; a later slot (a right-hand side) gets slot 0's batch
// and n with k in 1..3 columns. Within max_elements (n shrinks to fit).
Shape sample_matrix_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw);
std::vector<double> sample_invertible(int slot, const TensorSpec& spec, Draw& draw);
bool accepts_invertible(int slot, const TensorSpec& spec, const double* values, double margin_scale);
bool accepts_triangular(int slot, const TensorSpec& spec, const double* values, double margin_scale);
std::vector<double> sample_positive_definite(int slot, const TensorSpec& spec, Draw& draw);
bool accepts_positive_definite(int slot, const TensorSpec& spec, const double* values, double margin_scale);

}  // namespace tc
