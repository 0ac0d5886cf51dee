#include "engine/ops/nn/standardize.hpp"

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc::kernel {

Tensor standardize_vjp(const VjpArgs& a, DefaultAxes defaults) {
  const Tensor& x = a.inputs[0];
  const Tensor& y = a.output;
  const std::vector<std::int64_t> axes = a.attrs.axes.empty() ? defaults(x.shape().rank()) : a.attrs.axes;
  const Tensor r = rsqrt(add(reduce_variance(x, axes, /*keepdims=*/true), scalar_like(x, a.attrs.epsilon)));
  const Tensor centred_g = sub(a.grad, reduce_mean(a.grad, axes, /*keepdims=*/true));
  return mul(r, sub(centred_g, mul(y, reduce_mean(mul(a.grad, y), axes, /*keepdims=*/true))));
}

}  // namespace tc::kernel
