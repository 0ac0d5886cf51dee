#include "engine/ops/linalg/factor.hpp"

#include <algorithm>
#include <cmath>

namespace tc::kernel {

SquareBatch plan_square(const char* op, const Shape& x) {
  if (x.rank() < 2 || x[x.rank() - 1] != x[x.rank() - 2])
    throw ShapeError(std::string(op) + ": input must be square matrices [..., n, n], got " + x.str());
  return {x.prefix(x.rank() - 2).numel(), x[x.rank() - 1]};
}

}  // namespace tc::kernel

namespace tc {
namespace {

constexpr double kMaxCondition = 100;

std::vector<double> uniform(const TensorSpec& spec, Draw& draw) {
  std::vector<double> v(static_cast<std::size_t>(spec.shape.numel()));
  for (double& x : v) x = draw.uniform(-2, 2);
  return v;
}

bool square(const TensorSpec& spec) {
  const Shape& s = spec.shape;
  return s.rank() >= 2 && s[s.rank() - 1] == s[s.rank() - 2];
}

double norm1(const std::vector<double>& a, std::int64_t n) {
  double best = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    double col = 0;
    for (std::int64_t i = 0; i < n; ++i) col += std::abs(a[static_cast<std::size_t>(i * n + j)]);
    best = std::max(best, col);
  }
  return best;
}

// κ₁(A) = ‖A‖₁‖A⁻¹‖₁ of one n×n matrix, infinite if it is singular or not finite.
double condition(std::vector<double> a, std::int64_t n) {
  for (double x : a)
    if (!std::isfinite(x)) return INFINITY;
  const double norm = norm1(a, n);
  std::vector<std::int64_t> perm;
  int parity = 0;
  if (!kernel::lu_factor(a.data(), n, perm, parity)) return INFINITY;
  std::vector<double> inv(static_cast<std::size_t>(n * n), 0.0);
  for (std::int64_t i = 0; i < n; ++i) inv[static_cast<std::size_t>(i * n + i)] = 1;
  kernel::lu_solve(a.data(), perm, n, inv.data(), n);
  const double c = norm * norm1(inv, n);
  return std::isfinite(c) ? c : INFINITY;
}

// Calls check(matrix) for every n×n matrix of the batch; true if all pass.
template <class Check>
bool every_matrix(const TensorSpec& spec, const double* values, Check check) {
  const std::int64_t n = spec.shape[spec.shape.rank() - 1];
  const std::int64_t count = spec.shape.prefix(spec.shape.rank() - 2).numel();
  for (std::int64_t b = 0; b < count; ++b)
    if (!check(std::vector<double>(values + b * n * n, values + (b + 1) * n * n), n)) return false;
  return true;
}

}  // namespace

Shape sample_matrix_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  if (slot > 0 && n_earlier > 0 && earlier[0].shape.rank() >= 2) {
    std::vector<std::int64_t> dims = earlier[0].shape.to_vector();
    dims.back() = draw.integer(1, 3);
    while (dims.back() > 1 && Shape(dims).numel() > max_elements) --dims.back();
    return Shape(dims);
  }
  std::int64_t n = draw.integer(1, 3);
  const std::int64_t batch = draw.integer(0, 1) ? draw.integer(1, 3) : 0;
  while (n > 1 && n * n * std::max<std::int64_t>(batch, 1) > max_elements) --n;
  return batch ? Shape{batch, n, n} : Shape{n, n};
}

std::vector<double> sample_invertible(int slot, const TensorSpec& spec, Draw& draw) {
  if (slot != 0 || !square(spec)) return uniform(spec, draw);
  const std::int64_t n = spec.shape[spec.shape.rank() - 1];
  std::vector<double> v(static_cast<std::size_t>(spec.shape.numel()));
  for (std::size_t k = 0; k < v.size(); ++k) {
    const std::int64_t i = static_cast<std::int64_t>(k) / n % n, j = static_cast<std::int64_t>(k) % n;
    v[k] = i == j ? (draw.uniform(0, 1) < 0.5 ? -1 : 1) * draw.uniform(1, 2)
                  : draw.uniform(-0.4, 0.4) / static_cast<double>(n);
  }
  return v;
}

bool accepts_invertible(int slot, const TensorSpec& spec, const double* values, double margin_scale) {
  if (slot != 0 || !square(spec)) return true;  // infer() refuses what is not square
  return every_matrix(spec, values, [&](const std::vector<double>& a, std::int64_t n) {
    return condition(a, n) <= kMaxCondition / margin_scale;
  });
}

bool accepts_triangular(int slot, const TensorSpec& spec, const double* values, double margin_scale) {
  if (slot != 0 || !square(spec)) return true;
  return every_matrix(spec, values, [&](const std::vector<double>& a, std::int64_t n) {
    for (bool lower : {true, false}) {
      std::vector<double> t = a;
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < n; ++j)
          if (lower ? j > i : j < i) t[static_cast<std::size_t>(i * n + j)] = 0;
      if (!(condition(t, n) <= kMaxCondition / margin_scale)) return false;
    }
    return true;
  });
}

std::vector<double> sample_positive_definite(int slot, const TensorSpec& spec, Draw& draw) {
  if (slot != 0 || !square(spec)) return uniform(spec, draw);
  const std::int64_t n = spec.shape[spec.shape.rank() - 1];
  const std::int64_t count = spec.shape.prefix(spec.shape.rank() - 2).numel();
  const double scale = 1 / std::sqrt(static_cast<double>(n));
  std::vector<double> v(static_cast<std::size_t>(spec.shape.numel()));
  for (std::int64_t b = 0; b < count; ++b) {
    std::vector<double> m(static_cast<std::size_t>(n * n));
    for (double& x : m) x = draw.uniform(-scale, scale);
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        double s = i == j ? 0.5 : 0;
        for (std::int64_t t = 0; t < n; ++t) s += m[static_cast<std::size_t>(i * n + t)] * m[static_cast<std::size_t>(j * n + t)];
        v[static_cast<std::size_t>((b * n + i) * n + j)] = s;
      }
  }
  return v;
}

bool accepts_positive_definite(int slot, const TensorSpec& spec, const double* values, double margin_scale) {
  if (slot != 0 || !square(spec)) return true;
  return every_matrix(spec, values, [&](const std::vector<double>& a, std::int64_t n) {
    std::vector<double> sym(a.size()), l(a.size());
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        sym[static_cast<std::size_t>(i * n + j)] = 0.5 * (a[static_cast<std::size_t>(i * n + j)] + a[static_cast<std::size_t>(j * n + i)]);
    if (!kernel::cholesky_factor(sym.data(), n, l.data())) return false;
    for (std::int64_t i = 0; i < n; ++i)
      if (l[static_cast<std::size_t>(i * n + i)] < 0.1 * margin_scale) return false;
    return condition(sym, n) <= kMaxCondition / margin_scale;
  });
}

}  // namespace tc
