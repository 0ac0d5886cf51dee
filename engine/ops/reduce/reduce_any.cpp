// reduce_any(x; axes, keepdims): logical or over each group of a bool tensor (tf.reduce_any);
// an empty group is false. Bool in, bool out: no gradient (R3/R4), the input is cut.
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_logical.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::reduce_logical("reduce_any", a, in[0], out, /*all=*/false);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_logical("reduce_any", a, in, n);
}

}  // namespace

extern const OpDef op_reduce_any = logical_reduction_row("reduce_any")
    .math("y = OR over axes; gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor reduce_any(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_any, {x}, std::move(a));
}

}  // namespace tc
