// layer_norm(x; axes, epsilon): each sample standardised over its features (Ba et al. 2016;
// tf.keras.layers.LayerNormalization without its learned scale and offset, which are a mul and
// an add in a graph):
//   y = (x - μ) / √(σ² + ε),  μ, σ² the mean and population variance over `axes`
//   (default [] = the last axis; a scalar is its own group: y = 0);
//   VJP: dx = r · (g - mean_axes g - y · mean_axes(g·y)),  r = 1/√(σ² + ε).
// Smooth everywhere (ε > 0, default 1e-3 as Keras); no kink, also at a constant group.
// The math and the VJP are shared with batch_norm (standardize.hpp).
#include "engine/ops/family_rows.hpp"
#include "engine/ops/nn/nn.hpp"
#include "engine/ops/nn/standardize.hpp"

namespace tc {
namespace {

std::vector<std::int64_t> last_axis(int rank) {
  if (rank == 0) return {};
  return {rank - 1};
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::standardize("layer_norm", a, in[0], out, &last_axis);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_standardize("layer_norm", a, in, n, &last_axis);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = kernel::standardize_vjp(a, &last_axis); }

}  // namespace

extern const OpDef op_layer_norm = normalization_row("layer_norm").attrs(Attr::axes | Attr::epsilon)
    .shape_rule("same (standardised over axes; default the last)")
    .math("y = (x - mean) / sqrt(var + eps) over axes; dx = r (g - mean g - y mean(g y))")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor layer_norm(const Tensor& x, std::vector<std::int64_t> axes, double epsilon) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.epsilon = epsilon;
  return apply_op(op_layer_norm, {x}, std::move(a));
}

}  // namespace tc
