// digamma(x) = ψ(x) = Γ'(x)/Γ(x) (tf.math.digamma).   d/dx = ψ'(x) = polygamma(x; order=1).
// Poles at 0, -1, -2, ... (NaN there); the sampling domain is [0.25, 6]. Evaluated by the
// recurrence and asymptotic series of scalar_math.hpp (a few ulps). The VJP multiplies by the
// polygamma op, so higher derivatives come from the tape.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return digamma(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("digamma", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, polygamma(a.inputs[0], 1)); }

}  // namespace

extern const OpDef op_digamma = unary_float_row("digamma", {0.25, 6})
    .math("y = psi(x) = Gamma'(x)/Gamma(x); dy/dx = polygamma(x; 1)")
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor digamma(const Tensor& x) { return apply_op(op_digamma, {x}); }

}  // namespace tc
