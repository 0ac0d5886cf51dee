// softplus(x) = ln(1 + eˣ).   d/dx = sigmoid(x).
// Evaluated as x + log1p(e⁻ˣ) for x > 0 and log1p(eˣ) otherwise (= max(x, 0) + log1p(e^-|x|)),
// so exp never overflows and softplus(x) → x for large x. Both forms are the same analytic
// function, so the switch is not a kink and is not recorded in Branches; it is decided on
// real_part(x) so dual numbers and complex step evaluate the same form.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log1p;
  using tc::log1p;  // the c128 overload (ADL on std::complex would not find it)
  kernel::unary(in[0], out, [](S x) {
    if (real_part(x) > 0) return x + log1p(exp(-x));
    return log1p(exp(x));
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("softplus", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, sigmoid(a.inputs[0])); }

}  // namespace

extern const OpDef op_softplus = unary_float_row("softplus").edges(Edges::large)
    .math("y = ln(1 + e^x); dy/dx = sigmoid(x)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor softplus(const Tensor& x) { return apply_op(op_softplus, {x}); }

}  // namespace tc
