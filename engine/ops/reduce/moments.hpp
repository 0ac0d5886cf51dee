// Shared by reduce_variance, reduce_std, layer_norm and batch_norm: the mean and the
// (population) variance of each group of a reduction, on any scalar type. Two-pass (the
// mean, then the squared deviations: no cancellation of E[x²] - E[x]²), and the mean is
// taken relative to the group's first element, μ = x₀ + Σ(x_k - x₀)/N, so that a group of
// equal values has exactly μ = x₀ and variance exactly 0 (a plain Σx/N of three equal
// values can miss by an ulp, and reduce_std's kink at constant groups must be seen).
#pragma once
#include <vector>

#include "engine/ops/reduce/reduce_plan.hpp"

namespace tc::kernel {

template <class S>
struct Moments {
  std::vector<S> mean, variance;  // one per group (output element of the plan)
};

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
    const S d = x.data[i] - m.mean[o];
    m.variance[o] += d * d;
  });
  for (S& v : m.variance) v = quotient(v, count);
  return m;
}

// Whether each group's elements are all equal (on real parts, so that every scalar type
// decides alike: a complex step's imaginary parts do not make a constant group vary).
template <class S>
std::vector<bool> constant_groups(const S* x, const Shape& shape, const ReducePlan& p) {
  const auto groups = static_cast<std::size_t>(p.kept.numel());
  std::vector<bool> constant(groups, true), seen(groups, false);
  std::vector<double> first(groups, 0.0);
  for_each_reduced(shape, p, [&](std::int64_t i, std::int64_t o) {
    const double v = real_part(x[i]);
    if (!seen[o]) {
      seen[o] = true;
      first[o] = v;
    } else if (!(v == first[o])) {
      constant[o] = false;
    }
  });
  return constant;
}

}  // namespace tc::kernel
