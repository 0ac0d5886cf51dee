// cumsum(x; axis, exclusive, reverse): y_i = Σ x_k along `axis` over k ≤ i (k < i with
// exclusive; k ≥ i / k > i with reverse) (tf.math.cumsum).
// Linear: ∂y_i/∂x_j = 1 exactly when y_i's sum includes x_j, i.e. x_j's gradient sums g_i over
// the i whose range holds j — the same scan run the other way: cumsum(g, exclusive,
// !reverse), as TF's _CumsumGrad. Recorded, so second order works (it is zero).
#include "engine/ops/cumulative/cumulative.hpp"
#include "engine/ops/cumulative/cumulative_plan.hpp"
#include "engine/ops/family_rows.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::scan("cumsum", a, in[0], out, S(0), [](S acc, S x) { return acc + x; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_scan("cumsum", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = cumsum(a.grad, a.attrs.axis, a.attrs.exclusive, !a.attrs.reverse);
}

}  // namespace

extern const OpDef op_cumsum = OpRow("cumsum", "cumulative").input(OpInput("x"))
    .result(ResultDType::of_input(0)).shape_rule("same")
    .attrs(Attr::axis | Attr::exclusive | Attr::reverse)
    .math("y_i = sum_{k <= i} x_k along axis (exclusive: k < i; reverse: from the end); "
          "dx = cumsum(g, exclusive, !reverse)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor cumsum(const Tensor& x, std::int64_t axis, bool exclusive, bool reverse) {
  OpAttrs a;
  a.axis = axis;
  a.exclusive = exclusive;
  a.reverse = reverse;
  return apply_op(op_cumsum, {x}, std::move(a));
}

}  // namespace tc
