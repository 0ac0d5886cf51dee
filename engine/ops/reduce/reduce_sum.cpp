// reduce_sum(x, axes, keepdims) = Σ over axes.   The VJP broadcasts g back over the reduced
// axes: ∂y/∂x = 1 for every element of the group.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const std::int64_t n = out.spec.shape.numel();
  if (n == 1) {  // every element into one (a loss): no plan to make, the same sums in the same order
    const std::int64_t count = in[0].spec.shape.numel();
    S sum(0);
    for (std::int64_t i = 0; i < count; ++i) sum += in[0].data[i];
    out.data[0] = sum;
    return;
  }
  const auto p = kernel::plan_reduce("reduce_sum", in[0].spec.shape, a.axes, a.keepdims);
  for (std::int64_t i = 0; i < n; ++i) out.data[i] = S(0);
  kernel::for_each_reduced(in[0].spec.shape, p,
                           [&](std::int64_t i, std::int64_t o) { out.data[o] += in[0].data[i]; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("reduce_sum", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Shape& xs = a.inputs[0].shape();
  const auto p = kernel::plan_reduce("reduce_sum", xs, a.attrs.axes, a.attrs.keepdims);
  g[0] = broadcast_to(upstream_with_kept_axes(a.grad, p.kept), xs.to_vector());
}

}  // namespace

extern const OpDef op_reduce_sum = reduction_row("reduce_sum")
    .math("y = sum_axes x; dy/dx = 1")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reduce_sum(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_sum, {x}, std::move(a));
}

}  // namespace tc
