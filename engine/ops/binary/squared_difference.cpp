// squared_difference(a, b) = (a - b)² with broadcasting.
//   ∂/∂a = 2(a - b),   ∂/∂b = -2(a - b) (then unbroadcast). Smooth everywhere.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::binary(in[0], in[1], out, [](S a, S b) {
    const S d = a - b;
    return d * d;
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("squared_difference", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  const Tensor t = mul(v.grad, mul(scalar_like(v.grad, 2), sub(a, b)));  // g · 2(a - b)
  g[0] = unbroadcast(t, a.shape());
  g[1] = unbroadcast(neg(t), b.shape());
}

}  // namespace

extern const OpDef op_squared_difference = binary_float_row("squared_difference")
    .math("y = (a - b)^2; dy/da = 2(a - b), dy/db = -2(a - b)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::input(0, Dependence::linear), reads::input(1, Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear), reads::input(1, Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor squared_difference(const Tensor& a, const Tensor& b) {
  return apply_op(op_squared_difference, {a, b});
}

}  // namespace tc
