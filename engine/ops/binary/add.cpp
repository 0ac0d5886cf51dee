// add(a, b) = a + b with broadcasting.   ∂/∂a = 1, ∂/∂b = 1, each summed over the axes
// that input was broadcast along.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::binary(in[0], in[1], out, [](S a, S b) { return a + b; });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("add", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = unbroadcast(a.grad, a.inputs[0].shape());
  g[1] = unbroadcast(a.grad, a.inputs[1].shape());
}

}  // namespace

extern const OpDef op_add = binary_float_row("add")
    .math("y = a + b; dy/da = 1, dy/db = 1")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .vjp_reads(1, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor add(const Tensor& a, const Tensor& b) { return apply_op(op_add, {a, b}); }

}  // namespace tc
