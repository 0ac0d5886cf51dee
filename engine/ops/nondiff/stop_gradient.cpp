// stop_gradient(x) = x in value; to every tape it is a constant: x's gradient rule is
// InputGrad::stop_gradient (class none) and the row has no VJP, so the gradient through it is
// None (tf.stop_gradient, SEMANTICS R4) and explain() names the cut "stop_gradient" (from
// the rule, not the op's name).
// Any dtype -> same. On Dual / complex scalars the kernel keeps only the real part: forward
// mode (and the complex step) see no derivative through it, as the tape sees none.
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("stop_gradient", n, 1);
  return in[0];
}

}  // namespace

extern const OpDef op_stop_gradient = OpRow("stop_gradient", "nondiff")
    .input(OpInput("x").dtypes(DTypes::any).grad(InputGrad::stop_gradient))
    .result(ResultDType::of_input(0)).shape_rule("same").traits(Trait::elementwise)
    .math("y = x; gradient None (the edge is cut)").rules(&infer, TC_FORWARDS(kernel::real_identity));

Tensor stop_gradient(const Tensor& x) { return apply_op(op_stop_gradient, {x}); }

}  // namespace tc
