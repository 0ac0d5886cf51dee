// What conv1d and conv2d share: channels-last convolution over `spatial` axes (TF's NWC and
// NHWC; filters [window..., in_channels, out_channels]), as tf.nn.convolution computes it —
// a cross-correlation, the filter not flipped:
//   y[n, o, co] = Σ_t Σ_c x[n, o·s - before + t·r, c] · w[t, c, co]   (zero where padded)
// Bilinear, so the VJP is two matrix products on the windows (im2col, window_plan.hpp):
//   P = windows(x) as [N·out, taps·C], W = w as [taps·C, O], G = g as [N·out, O]:
//   ∂L/∂w = Pᵀ·G (TF's Conv2DBackpropFilter), ∂L/∂x = windowsᵀ(G·Wᵀ) (Conv2DBackpropInput),
// written with gather, scatter_add, matmul and reshape: an outer tape records them, so the
// second order is the same construction again. No kinks.
#pragma once
#include <optional>

#include "engine/ops/kernel.hpp"
#include "engine/ops/nn/window_plan.hpp"

namespace tc::kernel {

struct ConvPlan {
  WindowPlan window;
  std::int64_t out_channels = 1;
};

// x [N, spatial..., C], filter [window..., C, O]; ShapeError naming `op` and both shapes.
ConvPlan plan_conv(const char* op, int spatial, const OpAttrs& a, const Shape& x, const Shape& filter);
TensorSpec infer_conv(const char* op, int spatial, const OpAttrs& a, const TensorSpec* in, int n);
void conv_vjp(const char* op, int spatial, const VjpArgs& a, std::optional<Tensor>* g);

// Operands that fit each other (sample_shape): x with 1-2 batch rows, small spatial extents
// and 1-2 channels; the filter a window of 1-3 taps per axis over x's channels.
Shape sample_conv_shape(int spatial, int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements,
                        Draw& draw);
// strides, dilations and padding that fit the operands (sample_attrs).
OpAttrs sample_conv_attrs(int spatial, const TensorSpec* in, int n, Draw& draw);

template <class S>
void conv_forward(const char* op, int spatial, const OpAttrs& a, const In<S>* in, const Out<S>& out) {
  const ConvPlan cp = plan_conv(op, spatial, a, in[0].spec.shape, in[1].spec.shape);
  const WindowPlan& p = cp.window;
  const std::int64_t C = p.channels, O = cp.out_channels;
  for (std::int64_t n = 0; n < p.batch; ++n)
    for (std::int64_t o = 0; o < p.out_count; ++o) {
      S* y = out.data + (n * p.out_count + o) * O;
      for (std::int64_t co = 0; co < O; ++co) y[co] = S(0);
      for (std::int64_t t = 0; t < p.taps; ++t) {
        const std::int64_t src = p.source[static_cast<std::size_t>(o * p.taps + t)];
        if (src == p.in_count) continue;  // padding
        const S* x = in[0].data + (n * p.in_count + src) * C;
        const S* w = in[1].data + t * C * O;
        for (std::int64_t c = 0; c < C; ++c)
          for (std::int64_t co = 0; co < O; ++co) y[co] += x[c] * w[c * O + co];
      }
    }
}

// The row conv1d and conv2d share, with rules for `Spatial` axes; each op's file adds its math.
template <int Spatial>
struct ConvRules {
  static constexpr const char* name = Spatial == 1 ? "conv1d" : "conv2d";
  template <class S>
  static void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
    conv_forward(name, Spatial, a, in, out);
  }
  static TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) { return infer_conv(name, Spatial, a, in, n); }
  static void vjp(const VjpArgs& a, std::optional<Tensor>* g) { conv_vjp(name, Spatial, a, g); }
  static Shape sample_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
    return sample_conv_shape(Spatial, slot, earlier, n_earlier, max_elements, draw);
  }
  static OpAttrs sample_attrs(const TensorSpec* in, int n, Draw& draw) { return sample_conv_attrs(Spatial, in, n, draw); }
};

template <int Spatial>
OpRow conv_row(const char* shape_rule) {
  using R = ConvRules<Spatial>;
  return OpRow(R::name, "nn").input(OpInput("x")).input(OpInput("filters").same_dtype_as(0))
      .result(ResultDType::of_input(0)).shape_rule(shape_rule)
      .attrs(Attr::strides | Attr::dilations | Attr::padding)
      .complex_step_ok()
      .sample_shape(&R::sample_shape).sample_attrs(&R::sample_attrs)
      .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::linear)})
      .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear)})
      .rules(&R::infer, TC_FORWARDS(R::template forward), &R::vjp);
}

}  // namespace tc::kernel
