// reduce_all(x; axes, keepdims): logical and over each group of a bool tensor (tf.reduce_all);
// an empty group is true. Bool in, bool out: no gradient (R3/R4), the input is cut.
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_logical.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::reduce_logical("reduce_all", a, in[0], out, /*all=*/true);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_logical("reduce_all", a, in, n);
}

}  // namespace

extern const OpDef op_reduce_all = logical_reduction_row("reduce_all")
    .math("y = AND over axes; gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor reduce_all(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_all, {x}, std::move(a));
}

}  // namespace tc
