// sign(x) = 1 for x > 0, -1 for x < 0, 0 at x = 0 (NaN stays NaN), as tf.sign.
// d/dx = 0 everywhere: the gradient is a zero tensor, NOT None (SEMANTICS R5; TF's SignGrad
// returns zeros_like(x)). The zeros are connected to x (grad_util.hpp), so every higher
// derivative through sign is zeros too, never None (R5 at every order).
// Jump at x = 0, recorded in Branches (side 1 / -1 / 0) so the finite-difference oracle never
// differences across it. Integer-valued, so complex_step_ok = false.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const std::int64_t n = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < n; ++i) {
    const double r = real_part(in[0].data[i]);
    out.data[i] = S(r > 0 ? 1.0 : r < 0 ? -1.0 : r == 0 ? 0.0 : r);  // the last arm is NaN
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("sign", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = zero_gradient(a.inputs[0]);
}

}  // namespace

extern const OpDef op_sign = unary_float_row("sign")
    .with_trait(Trait::discontinuous)
    .kinks("x = 0: jump from -1 to 1; sign' = 0 everywhere (a zero gradient, not None)")
    .math("y = sign(x); dy/dx = 0")
    .vjp_reads(0, {reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sign(const Tensor& x) { return apply_op(op_sign, {x}); }

}  // namespace tc
