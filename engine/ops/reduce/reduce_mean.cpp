// reduce_mean(x, axes, keepdims) = (1/N) Σ over axes, N = elements per group.
//   ∂y/∂x_i = 1/N for every element of the group. An empty group gives NaN (0/0), as TF.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const auto p = kernel::plan_reduce("reduce_mean", in[0].spec.shape, a.axes, a.keepdims);
  const std::int64_t n = out.spec.shape.numel();
  for (std::int64_t i = 0; i < n; ++i) out.data[i] = S(0);
  kernel::for_each_reduced(in[0].spec.shape, p,
                           [&](std::int64_t i, std::int64_t o) { out.data[o] += in[0].data[i]; });
  const S count(static_cast<double>(p.group));
  for (std::int64_t i = 0; i < n; ++i) out.data[i] /= count;
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("reduce_mean", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Shape& xs = a.inputs[0].shape();
  const auto p = kernel::plan_reduce("reduce_mean", xs, a.attrs.axes, a.attrs.keepdims);
  const Tensor spread = broadcast_to(upstream_with_kept_axes(a.grad, p.kept), xs.to_vector());
  g[0] = div(spread, scalar_like(a.grad, static_cast<double>(p.group)));
}

}  // namespace

extern const OpDef op_reduce_mean = reduction_row("reduce_mean")
    .math("y = mean_axes x; dy/dx = 1/N (N elements per group)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reduce_mean(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_mean, {x}, std::move(a));
}

}  // namespace tc
