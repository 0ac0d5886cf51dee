// stop_gradient(x) = x in value; to every tape it is a constant: x's class is none and the
// row has no VJP, so the gradient through it is None (tf.stop_gradient, SEMANTICS R4) and
// explain() names the cut "stop_gradient" (it recognises the op by this name).
// Any dtype -> same. On Dual / complex scalars the kernel keeps only the real part: forward
// mode (and the complex step) see no derivative through it, as the tape sees none.
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return S(real_part(x)); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("stop_gradient", n, 1);
  return in[0];
}

}  // namespace

extern const OpDef op_stop_gradient{
    "stop_gradient", "nondiff", 1, {{"x", GradClass::none}}, "", "any -> same", "",
    "y = x; gradient None (the edge is cut)", false, 1.0, &infer, TC_FORWARDS(forward), nullptr};

Tensor stop_gradient(const Tensor& x) { return apply_op(op_stop_gradient, {x}); }

}  // namespace tc
