// reduce_min(x, axes, keepdims) = min over axes.
//   ∂y/∂x_i = 1 for the minimal element of the group, 0 for the others (zero, not None).
// Kink where two or more elements tie for the minimum: the gradient is split evenly among
// the k tied elements (1/k each), as TF's _MinOrMaxGrad does; the forward realises the same
// derivative on dual/complex numbers (reduce_extremum.hpp). An empty group gives +inf.
// Branches: per output element, the position of the winner within its group, or -k for a k-way tie.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_extremum.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::extremum_forward("reduce_min", /*take_max=*/false, a, in[0], out, branches);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("reduce_min", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = kernel::extremum_vjp("reduce_min", /*take_max=*/false, a);
}

}  // namespace

extern const OpDef op_reduce_min = reduction_row("reduce_min").edges(Edges::ties)
    .kinks("ties for the minimum: the gradient is split evenly among the tied elements (TF)")
    .math("y = min_axes x; dy/dx_i = [x_i is the min] / (number of tied minima)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reduce_min(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_min, {x}, std::move(a));
}

}  // namespace tc
