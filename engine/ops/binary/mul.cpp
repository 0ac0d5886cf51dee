// mul(a, b) = a · b with broadcasting.   ∂/∂a = b, ∂/∂b = a (then unbroadcast).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::binary(in[0], in[1], out, [](S a, S b) { return a * b; });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("mul", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  // x * x: both partials are g·x, computed once (the tape sums the two like any fan-out).
  if (a.inputs[0].impl() == a.inputs[1].impl()) {
    g[0] = mul(a.grad, a.inputs[0]);
    g[1] = g[0];
    return;
  }
  g[0] = unbroadcast(mul(a.grad, a.inputs[1]), a.inputs[0].shape());
  g[1] = unbroadcast(mul(a.grad, a.inputs[0]), a.inputs[1].shape());
}

}  // namespace

extern const OpDef op_mul = binary_float_row("mul")
    .math("y = a b; dy/da = b, dy/db = a")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor mul(const Tensor& a, const Tensor& b) { return apply_op(op_mul, {a, b}); }

}  // namespace tc
