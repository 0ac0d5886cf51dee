// batch_norm(x; axes, epsilon) with training-mode statistics (Ioffe & Szegedy 2015;
// tf.nn.batch_normalization with tf.nn.moments of the batch, without the learned scale and
// offset): each channel standardised over the batch (and spatial) axes,
//   y = (x - μ) / √(σ² + ε),  μ, σ² the batch mean and population variance over `axes`
//   (default [] = every axis but the last, the channels; all axes of a rank <= 1 tensor);
//   VJP: dx = r · (g - mean_axes g - y · mean_axes(g·y)),  r = 1/√(σ² + ε) — the statistics
//   depend on x, so their gradient is part of it (a VJP treating μ, σ² as constants is the
//   inference-mode bug). Smooth everywhere (ε > 0, default 1e-3 as Keras); no kink.
// reduce_sum(batch_norm(x)) ≡ 0: its gradient is exactly 0, reached by cancellation (the
// false alarm that held this op back: oracles/running_error.hpp bounds that rounding).
// The math and the VJP are shared with layer_norm (standardize.hpp).
#include "engine/ops/family_rows.hpp"
#include "engine/ops/nn/nn.hpp"
#include "engine/ops/nn/standardize.hpp"

namespace tc {
namespace {

std::vector<std::int64_t> all_but_last_axis(int rank) {
  std::vector<std::int64_t> axes;
  for (int d = 0; d + 1 < rank; ++d) axes.push_back(d);
  return axes;  // [] for rank <= 1: every axis
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::standardize("batch_norm", a, in[0], out, &all_but_last_axis);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_standardize("batch_norm", a, in, n, &all_but_last_axis);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = kernel::standardize_vjp(a, &all_but_last_axis); }

}  // namespace

extern const OpDef op_batch_norm = normalization_row("batch_norm").attrs(Attr::axes | Attr::epsilon)
    .shape_rule("same (standardised over axes; default all but the last)")
    .math("y = (x - mean) / sqrt(var + eps) over the batch axes; dx = r (g - mean g - y mean(g y))")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor batch_norm(const Tensor& x, std::vector<std::int64_t> axes, double epsilon) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.epsilon = epsilon;
  return apply_op(op_batch_norm, {x}, std::move(a));
}

}  // namespace tc
