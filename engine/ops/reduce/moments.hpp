// Shared by reduce_variance, reduce_std, layer_norm and batch_norm: the mean and the
// (population) variance of each group of a reduction, on any scalar type. Two-pass (the
// mean, then the squared deviations: no cancellation of E[x²] - E[x]²), and the mean is
// taken relative to the group's first element, μ = x₀ + Σ(x_k - x₀)/N, so that a group of
// equal values has exactly μ = x₀ and variance exactly 0 (a plain Σx/N of three equal
// values can miss by an ulp, and reduce_std's kink at constant groups must be seen).
#pragma once
#include <cmath>
#include <vector>

#include "engine/core/scalar.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"

namespace tc::kernel {

template <class S>
struct Moments {
  std::vector<S> mean, variance;  // one per group (output element of the plan)
};

// x − μ, μ a statistic of x's group the kernel computed. On TermsDual it carries μ's rounding
// (|μ|) into the derivatives computed from it (scalar.hpp): the deviation of two f32 values
// 4.6e-4 apart at magnitude 1 is off by ~u·|μ|, 2.6e-4 of itself.
template <class S>
S deviation(const S& x, const S& mean) {
  return x - mean;
}
inline TermsDual deviation(const TermsDual& x, const TermsDual& mean) {
  TermsDual d = x - mean;
  d.vt = std::abs(mean.v);
  return d;
}

template <class S>
Moments<S> moments(const In<S>& x, const ReducePlan& p) {
  const auto groups = static_cast<std::size_t>(p.kept.numel());
  Moments<S> m{std::vector<S>(groups, S(0)), std::vector<S>(groups, S(0))};
  const S count(static_cast<double>(p.group));
  std::vector<S> first(groups);
  std::vector<bool> seen(groups, false);
  for_each_reduced(x.spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    if (!seen[o]) {
      seen[o] = true;
      first[o] = x.data[i];
    }
    m.mean[o] += x.data[i] - first[o];
  });
  for (std::size_t o = 0; o < groups; ++o) m.mean[o] = first[o] + quotient(m.mean[o], count);
  for_each_reduced(x.spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    const S d = deviation(x.data[i], m.mean[o]);
    m.variance[o] += d * d;
  });
  for (S& v : m.variance) v = quotient(v, count);
  return m;
}

// Whether each group's spread is zero in double: its elements all equal, or their deviations
// so small (below ~1e-162) that their squares underflow and the variance is exactly 0. Decided
// on real parts, so that every scalar type decides alike: a complex step's imaginary parts do
// not make a constant group vary. Where the elements differ but the variance underflowed,
// √variance is 0 as at a constant group, and (x - μ)/(N·√variance) would be infinite: the
// group is at the cone point to double precision, and is treated as one.
template <class S>
std::vector<bool> zero_spread_groups(const S* x, const Shape& shape, const ReducePlan& p) {
  const auto groups = static_cast<std::size_t>(p.kept.numel());
  std::vector<double> real(static_cast<std::size_t>(shape.numel()));
  for (std::size_t i = 0; i < real.size(); ++i) real[i] = real_part(x[i]);
  const Moments<double> m = moments(In<double>{real.data(), TensorSpec{DType::f64, shape}}, p);
  std::vector<bool> zero(groups);
  for (std::size_t o = 0; o < groups; ++o) zero[o] = m.variance[o] == 0;
  return zero;
}

// For a group of exactly two elements, which of them is the larger: 1 where the first is, 2
// where the second is (0 where they are equal). The standard deviation of two elements is
// |x₀ - x₁|/2, whose cone point is a hyperplane: a line may cross it, and a side recorded in
// Branches keeps a difference stencil from stepping over it (two f32 values 2 ulps apart: the
// differences average the slopes ±1/2 of both sides to ~0). Groups of other sizes: 0 (their
// cone point has codimension N - 1 ≥ 2 and no side). Decided on real parts.
template <class S>
std::vector<int> larger_of_two(const S* x, const Shape& shape, const ReducePlan& p) {
  const auto groups = static_cast<std::size_t>(p.kept.numel());
  std::vector<int> side(groups, 0);
  if (p.group != 2) return side;
  std::vector<double> first(groups), second(groups);
  std::vector<int> seen(groups, 0);
  for_each_reduced(shape, p, [&](std::int64_t i, std::int64_t o) {
    (seen[o]++ == 0 ? first : second)[o] = real_part(x[i]);
  });
  for (std::size_t o = 0; o < groups; ++o) side[o] = first[o] > second[o] ? 1 : first[o] < second[o] ? 2 : 0;
  return side;
}

}  // namespace tc::kernel
