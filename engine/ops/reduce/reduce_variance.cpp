// reduce_variance(x; axes, keepdims) = mean over the group of (x - μ)², μ the group's mean:
// the population variance (tf.math.reduce_variance).
//   ∂y/∂x_i = 2(x_i - μ)/N   (Σ_k (x_k - μ) = 0 removes μ's own dependence on x_i).
// Smooth everywhere. Two-pass in the forward (moments.hpp). The VJP is written with
// reduce_mean and sub, so second derivatives (2/N (δ_ij - 1/N)) come from the tape.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/moments.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const auto p = kernel::plan_reduce("reduce_variance", in[0].spec.shape, a.axes, a.keepdims);
  const auto m = kernel::moments(in[0], p);
  for (std::size_t o = 0; o < m.variance.size(); ++o) out.data[o] = m.variance[o];
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("reduce_variance", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = kernel::plan_reduce("reduce_variance", x.shape(), a.attrs.axes, a.attrs.keepdims);
  const Tensor centered = sub(x, reduce_mean(x, a.attrs.axes, /*keepdims=*/true));
  const Tensor scale = mul(reshape(a.grad, p.kept.to_vector()), scalar_like(x, 2.0 / static_cast<double>(p.group)));
  g[0] = mul(scale, centered);
}

}  // namespace

extern const OpDef op_reduce_variance = reduction_row("reduce_variance")
    .math("y = mean_axes (x - mean x)^2; dy/dx_i = 2 (x_i - mean)/N")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reduce_variance(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_variance, {x}, std::move(a));
}

}  // namespace tc
