// pow(a, b) = a^b with broadcasting.
//   ∂/∂a = b·a^(b-1),   ∂/∂b = a^b·ln a.
// Real a^b needs a > 0 for non-integer b (a < 0 gives NaN, as in TF); the sampling domain
// keeps the base in (0.2, 3). Following TF's _PowGrad, ∂/∂b is taken as 0 where a <= 0
// (ln a is replaced by 0 there): at a = 0 with b > 0 this is the limit of a^b·ln a as a → 0+.
// ∂/∂a at a = 0 is b·0^(b-1): 0 for b > 1, 1 for b = 1, inf for b < 1 (as TF).
// Written with pow itself (a^(b-1)), so second derivatives come from the tape.
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
    using std::pow;
    return pow(a, b);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("pow", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  g[0] = unbroadcast(mul(v.grad, mul(b, pow(a, sub(b, scalar_like(b, 1))))), a.shape());
  // ln a where a > 0, else 0 (TF): log of a with the non-positive entries replaced by 1.
  // The masks are piecewise constant in a: they add nothing to the second derivative.
  const Tensor positive = mask_like(a, [](double x) { return x > 0 ? 1.0 : 0.0; });
  const Tensor other = mask_like(a, [](double x) { return x > 0 ? 0.0 : 1.0; });
  const Tensor log_a = mul(log(add(mul(a, positive), other)), positive);
  g[1] = unbroadcast(mul(v.grad, mul(v.output, log_a)), b.shape());
}

}  // namespace

extern const OpDef op_pow = binary_float_row("pow", {0.2, 3}, {-3, 3})
    .math("y = a^b; dy/da = b a^(b-1), dy/db = a^b ln a (0 where a <= 0, as TF)")
    .complex_step_ok()
    .tolerance_factor(10.0)
    .vjp_reads(0, {reads::upstream, reads::input(0, Dependence::smooth), reads::input(1, Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::output(Dependence::linear), reads::input(0, Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor pow(const Tensor& a, const Tensor& b) { return apply_op(op_pow, {a, b}); }

}  // namespace tc
