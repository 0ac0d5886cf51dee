#include "engine/ops/nn/pool_rules.hpp"

#include <string>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/nn/conv_rules.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc::kernel {

WindowPlan plan_pool(const char* op, const OpAttrs& a, const Shape& x) {
  if (a.ksize.empty()) throw ShapeError(std::string(op) + ": ksize is required (one window extent per spatial axis)");
  WindowPlan p = plan_window(op, x, kPoolSpatial, a.ksize, a, /*dilations=*/false);
  check_element_cap(p.output_shape(p.channels), (std::string(op) + "'s result").c_str());
  return p;
}

TensorSpec infer_pool(const char* op, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  const WindowPlan p = plan_pool(op, a, in[0].shape);
  return {in[0].dtype, p.output_shape(p.channels)};
}

Tensor pool_vjp(const WindowPlan& p, const Tensor& grad, const Tensor& weights, const Shape& x_shape) {
  const Tensor per_tap = mul(reshape(grad, {p.batch, p.out_count, 1, p.channels}), weights);
  return scatter_windows(p, reshape(per_tap, {p.batch, p.out_count * p.taps, p.channels}), x_shape);
}

Shape sample_pool_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  return sample_conv_shape(kPoolSpatial, slot, earlier, n_earlier, max_elements, draw);
}

OpAttrs sample_pool_attrs(const TensorSpec* in, int n, Draw& draw) {
  OpAttrs a;
  if (n < 1 || in[0].shape.rank() != kPoolSpatial + 2) return a;
  for (int d = 0; d < kPoolSpatial; ++d) a.ksize.push_back(draw.integer(1, 3));
  sample_window_attrs(in[0].shape, kPoolSpatial, a.ksize, /*dilations=*/false, a, draw);
  return a;
}

}  // namespace tc::kernel
