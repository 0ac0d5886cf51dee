// host_round_trip(x) = x in value: the value taken out of the graph and back in, as
// tf.constant(x.numpy()) (seed S8). The result is a NEW constant with no history: no tape
// connects it to x (OpDef::leaves_graph: apply_op makes a constant leaf, not an op output), so
// a gradient whose every path runs through it is None with "no path" (R6), not a cut — unlike
// stop_gradient, whose result still remembers x. Any dtype -> same. On Dual / complex scalars
// the kernel keeps only the real part: forward mode and the complex step see no derivative
// through it either.
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("host_round_trip", n, 1);
  return in[0];
}

}  // namespace

extern const OpDef op_host_round_trip = OpRow("host_round_trip", "nondiff")
    .input(OpInput("x").dtypes(DTypes::any).grad(InputGrad::stop_gradient))
    .result(ResultDType::of_input(0)).shape_rule("same").traits(Trait::elementwise)
    .leaves_graph()
    .math("y = x, a new constant (x.numpy() and back); gradient None: no path")
    .rules(&infer, TC_FORWARDS(kernel::real_identity));

Tensor host_round_trip(const Tensor& x) { return apply_op(op_host_round_trip, {x}); }

}  // namespace tc
