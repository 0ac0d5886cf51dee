// div(a, b) = a / b with broadcasting.   ∂/∂a = 1/b, ∂/∂b = -a/b² = -y/b.
// b = 0 gives ±inf/NaN as in TF; the sampling domain keeps b away from 0. Complex operands
// divide by quotient() (scalar.hpp), exact in the complex-step regime.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::binary(in[0], in[1], out, [](S a, S b) { return quotient(a, b); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("div", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& b = a.inputs[1];
  g[0] = unbroadcast(div(a.grad, b), a.inputs[0].shape());
  g[1] = unbroadcast(neg(div(mul(a.grad, a.output), b)), b.shape());
}

}  // namespace

extern const OpDef op_div = binary_float_row("div", {}, {-3, 3, {0.0}, 0.25})
    .math("y = a / b; dy/da = 1/b, dy/db = -a/b^2")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::output(Dependence::linear), reads::input(1, Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor div(const Tensor& a, const Tensor& b) { return apply_op(op_div, {a, b}); }

}  // namespace tc
