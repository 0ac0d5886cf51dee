// The sliding-window geometry shared by the convolutions and the pools (TF's channels-last
// layout: x is [N, spatial..., C], NWC for one spatial axis, NHWC for two), and the
// gather/scatter of windows their VJPs are written with.
//
// Per spatial axis d, with extent n, window k, stride s and dilation r (tf.nn.convolution):
//   "valid": no padding, out = floor((n - (k-1)·r - 1) / s) + 1, which must be ≥ 1;
//   "same":  out = ceil(n / s), padded by total = max((out-1)·s + (k-1)·r + 1 - n, 0) zeros,
//            total/2 (rounded down) before and the rest after — TF's rule (the extra one goes
//            after, where torch's padding="same" would put it; torch takes "same" only with
//            stride 1, so the libtorch port pads explicitly).
// Output position o reads input positions o·s - before + t·r for the window's taps t.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "engine/tensor.hpp"

namespace tc::kernel {

struct WindowPlan {
  std::int64_t batch = 1;                     // N
  std::int64_t channels = 1;                  // C
  std::vector<std::int64_t> in, out;          // spatial extents
  std::vector<std::int64_t> window, stride, dilation, before, after;
  std::int64_t in_count = 1, out_count = 1, taps = 1;  // Π in, Π out, Π window
  // For output position o (row-major over `out`) and tap t (row-major over `window`):
  // source[o·taps + t] is the row-major spatial index into x, or in_count where the tap
  // falls on padding (one zero row past the end: what gather_windows appends).
  std::vector<std::int64_t> source;
  Shape output_shape(std::int64_t last) const;  // [N, out..., last]
};

// The plan for x [N, spatial..., C] (rank spatial + 2) and `window` (one per spatial axis),
// reading the attributes strides, dilations (empty = 1s; `dilations` false: the op takes none)
// and padding. ShapeError naming `op` and the shapes when they do not fit.
WindowPlan plan_window(const char* op, const Shape& x, int spatial, const std::vector<std::int64_t>& window,
                       const OpAttrs& a, bool dilations);

// x [N, spatial..., C] -> [N, out_count·taps, C]: every window's taps, zeros on padding.
// Engine ops (reshape, concat, gather): an outer tape records them.
Tensor gather_windows(const WindowPlan& p, const Tensor& x);
// Its transpose: [N, out_count·taps, C] -> x's shape, each tap added onto the element it read
// (padding taps dropped). Engine ops (scatter_add, slice, reshape).
Tensor scatter_windows(const WindowPlan& p, const Tensor& taps, const Shape& x_shape);

// The attributes of a windowed op's call: strides, padding, dilations (convolutions), ksize (pools).
OpAttrs window_attrs(std::vector<std::int64_t> strides, std::string padding, std::vector<std::int64_t> dilations,
                     std::vector<std::int64_t> ksize);

// Draws window attributes that fit x's spatial extents and `window` (a stride of 1 or 2 per
// axis, a dilation of 2 only with stride 1 as tf.nn.convolution requires, "valid" only where
// the dilated window fits).
void sample_window_attrs(const Shape& x, int spatial, const std::vector<std::int64_t>& window, bool dilations,
                         OpAttrs& a, Draw& draw);

}  // namespace tc::kernel
