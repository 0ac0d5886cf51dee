#include "engine/ops/reduce/reduce_extremum.hpp"

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc::kernel {

Extremes find_extremes(const double* re, const Shape& in, const ReducePlan& p, bool take_max) {
  const auto m = static_cast<std::size_t>(p.out.numel());
  Extremes e;
  e.first.assign(m, -1);
  e.count.assign(m, 0);
  e.side.assign(m, 0);
  e.selected.assign(static_cast<std::size_t>(in.numel()), 0);
  std::vector<double> best(m);
  std::vector<char> seen(m, 0);
  for_each_reduced(in, p, [&](std::int64_t i, std::int64_t o) {
    const double r = re[i];
    double& b = best[o];
    if (!seen[o]) {
      b = r;
      seen[o] = 1;
    } else if (!std::isnan(b) && (std::isnan(r) || (take_max ? r > b : r < b))) {
      b = r;
    }
  });
  std::vector<std::int32_t> position(m, 0);  // of the current element within its group
  for_each_reduced(in, p, [&](std::int64_t i, std::int64_t o) {
    const double r = re[i], b = best[o];
    if (r == b || (std::isnan(r) && std::isnan(b))) {
      if (e.count[o] == 0) {
        e.first[o] = i;
        e.side[o] = position[o];
      }
      ++e.count[o];
      if (e.count[o] > 1) e.side[o] = tie_side(e.count[o]);
      e.selected[i] = 1;
    }
    ++position[o];
  });
  return e;
}

Tensor extremum_vjp(const char* op, bool take_max, const VjpArgs& a) {
  const Tensor& x = a.inputs[0];
  const ReducePlan p = plan_reduce(op, x.shape(), a.attrs.axes, a.attrs.keepdims);
  const Extremes e = find_extremes(x.data(), x.shape(), p, take_max);
  std::vector<double> w(static_cast<std::size_t>(x.numel()), 0.0);
  for_each_reduced(x.shape(), p, [&](std::int64_t i, std::int64_t o) {
    if (e.selected[i]) w[i] = 1.0 / static_cast<double>(e.count[o]);
  });
  // The split is piecewise constant in x: a second derivative through it is zeros (R5).
  const Tensor split = piecewise_constant(Tensor::constant(std::move(w), x.shape(), a.grad.dtype()), x);
  return mul(reshape(a.grad, p.kept.to_vector()), split);  // broadcasts to x's shape
}

}  // namespace tc::kernel
