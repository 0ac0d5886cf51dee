// Shared by layer_norm and batch_norm, which differ only in their default axes: the
// standardisation of each group of elements that share every index but `axes`,
//   y = (x - μ) · r,   μ = mean_axes x,   σ² = mean_axes (x - μ)²,   r = 1/√(σ² + ε),
//   VJP: dx = r · (g - mean_axes g - y · mean_axes(g·y))
// (∂y_i/∂x_j = r (δ_ij - 1/N - y_i y_j / N) within a group of N). Smooth everywhere for ε > 0,
// including a constant group (σ² = 0: y = 0, dx = r (g - mean g)). The VJP is written with
// engine ops and recomputes r from x, so second order comes from the tape. Σ_axes y ≡ 0 and
// Σ_axes y² ≡ N σ²/(σ² + ε): a loss summing y has gradient exactly 0, which the VJP reaches by
// cancelling terms of size r·|g| (oracles/running_error.hpp bounds the rounding relative to them).
#pragma once
#include <cmath>
#include <optional>
#include <vector>

#include "engine/ops/reduce/moments.hpp"
#include "engine/tensor.hpp"

namespace tc::kernel {

// The axes a standardisation reduces: the attribute's, or the op's default for [].
using DefaultAxes = std::vector<std::int64_t> (*)(int rank);

inline ReducePlan plan_standardize(const char* op, const OpAttrs& a, const Shape& s, DefaultAxes defaults) {
  if (!(a.epsilon > 0) || !std::isfinite(a.epsilon))
    throw ShapeError(std::string(op) + ": epsilon must be positive and finite, got " + std::to_string(a.epsilon));
  return plan_reduce(op, s, a.axes.empty() ? defaults(s.rank()) : a.axes, /*keepdims=*/true);
}

template <class S>
void standardize(const char* op, const OpAttrs& a, const In<S>& x, const Out<S>& y, DefaultAxes defaults) {
  using std::sqrt;
  const ReducePlan p = plan_standardize(op, a, x.spec.shape, defaults);
  const Moments<S> m = moments(x, p);
  std::vector<S> scale(m.variance.size());
  for (std::size_t o = 0; o < scale.size(); ++o) scale[o] = quotient(S(1), sqrt(m.variance[o] + S(a.epsilon)));
  for_each_reduced(x.spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    y.data[i] = deviation(x.data[i], m.mean[o]) * scale[o];
  });
}

inline TensorSpec infer_standardize(const char* op, const OpAttrs& a, const TensorSpec* in, int n,
                                    DefaultAxes defaults) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  plan_standardize(op, a, in[0].shape, defaults);
  return in[0];
}

// dx = r (g - mean g - y mean(g y)), r = rsqrt(variance(x) + ε) recomputed with engine ops.
Tensor standardize_vjp(const VjpArgs& a, DefaultAxes defaults);

}  // namespace tc::kernel
