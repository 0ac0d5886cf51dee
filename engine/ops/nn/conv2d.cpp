// conv2d(x, filters; strides, padding, dilations): tf.nn.conv2d with data_format "NHWC":
//   x [N, H, W, C], filters [KH, KW, C, O] -> y [N, H', W', O],
//   y[n, o, co] = Σ_k Σ_c x[n, o·s - before + k·r, c] · filters[k, c, co] with o, s, r, k pairs
//   (height, width) and the sum over both window axes (zeros where padded),
// H', W' and the padding as window_plan.hpp says ("valid" / "same", TF's split of an odd total).
// Bilinear: ∂L/∂x and ∂L/∂filters are the two products of conv_rules.hpp, recorded as engine
// ops (gather / scatter_add of the windows, matmul), so second order is the same again.
// Smooth everywhere: no kinks, no edge points.
#include "engine/ops/nn/conv.hpp"
#include "engine/ops/nn/conv_rules.hpp"

namespace tc {

extern const OpDef op_conv2d = kernel::conv_row<2>("[N, H, W, C], [KH, KW, C, O] -> [N, H', W', O] (NHWC)")
    .math("y[n,o,co] = sum_k,c x[n, o s - before + k r, c] w[k,c,co]; dx = windows^T(G W^T), dw = P^T G");

Tensor conv2d(const Tensor& x, const Tensor& filters, std::vector<std::int64_t> strides, std::string padding,
              std::vector<std::int64_t> dilations) {
  return apply_op(op_conv2d, {x, filters},
                  kernel::window_attrs(std::move(strides), std::move(padding), std::move(dilations), {}));
}

}  // namespace tc
