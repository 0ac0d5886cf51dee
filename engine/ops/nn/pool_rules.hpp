// What max_pool2d and avg_pool2d share: windows of `ksize` over NHWC x, per channel (tf.nn.
// max_pool2d / avg_pool2d, data_format "NHWC"; strides and padding as window_plan.hpp says, no
// dilations). Both VJPs are an upstream value per window tap, scattered back onto the element
// the tap read (window_plan's scatter_windows, recorded engine ops).
#pragma once
#include <optional>

#include "engine/ops/kernel.hpp"
#include "engine/ops/nn/window_plan.hpp"

namespace tc::kernel {

inline constexpr int kPoolSpatial = 2;

// x [N, H, W, C] and ksize (one per spatial axis, required); ShapeError naming `op`.
WindowPlan plan_pool(const char* op, const OpAttrs& a, const Shape& x);
TensorSpec infer_pool(const char* op, const OpAttrs& a, const TensorSpec* in, int n);
// ∂L/∂x for per-tap weights [N or 1, out_count, taps, C or 1] of the upstream gradient:
// scatter_windows(g[n, o, c] · weight[n, o, t, c]).
Tensor pool_vjp(const WindowPlan& p, const Tensor& grad, const Tensor& weights, const Shape& x_shape);

Shape sample_pool_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw);
// ksize of 1-3 per axis, strides and padding that fit x.
OpAttrs sample_pool_attrs(const TensorSpec* in, int n, Draw& draw);

// The row max_pool2d and avg_pool2d share; each op's file adds its facts, math and rules.
inline OpRow pool_row(const char* name, const OpInput& x) {
  return OpRow(name, "nn").input(x).result(ResultDType::of_input(0)).shape_rule("[N, H, W, C] -> [N, H', W', C] (NHWC)")
      .attrs(Attr::strides | Attr::ksize | Attr::padding)
      .complex_step_ok()
      .sample_shape(&sample_pool_shape).sample_attrs(&sample_pool_attrs);
}

}  // namespace tc::kernel
