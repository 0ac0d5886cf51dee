// The max-shift that keeps exp-sums from overflowing (logsumexp, softmax, log_softmax):
// per output slot of `p`, the largest real part in the group, or 0 where that is not finite
// (all -inf, an inf, a NaN or an empty group: TF's reduce_logsumexp does the same). The shift
// is a constant: f(x) = m + g(x - m) for every m, so it is no kink and records no Branches.
#pragma once
#include <cmath>
#include <limits>
#include <vector>

#include "engine/ops/reduce/reduce_plan.hpp"

namespace tc::kernel {

template <class S>
std::vector<double> stable_shift(const In<S>& x, const ReducePlan& p) {
  std::vector<double> m(static_cast<std::size_t>(p.out.numel()),
                        -std::numeric_limits<double>::infinity());
  for_each_reduced(x.spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    const double r = real_part(x.data[i]);
    if (r > m[o]) m[o] = r;
  });
  for (double& v : m)
    if (!std::isfinite(v)) v = 0;
  return m;
}

}  // namespace tc::kernel
