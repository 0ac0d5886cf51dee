// lgamma(x) = ln |Γ(x)| (tf.math.lgamma).   d/dx = ψ(x) (digamma), for every x off the poles
// 0, -1, -2, ... (where lgamma = +inf and ψ is undefined: NaN, as TF). The sampling domain
// is [0.25, 6]: positive, away from the pole at 0. The VJP multiplies by the digamma op, whose
// own VJP is polygamma(·, 1): higher derivatives come from the tape.
// No complex extension here (scalar_math.hpp): forward mode checks it on duals.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::lgamma;
  using tc::lgamma;
  kernel::unary(in[0], out, [](S x) { return lgamma(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("lgamma", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, digamma(a.inputs[0])); }

}  // namespace

extern const OpDef op_lgamma = unary_float_row("lgamma", {0.25, 6})
    .math("y = ln|Gamma(x)|; dy/dx = digamma(x)")
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor lgamma(const Tensor& x) { return apply_op(op_lgamma, {x}); }

}  // namespace tc
