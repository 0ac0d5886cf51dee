// erf(x) = (2/√π) ∫₀ˣ e^(-t²) dt.   d/dx = (2/√π) e^(-x²). Smooth everywhere.
// complex_step_ok = false: we provide no complex erf (scalar.hpp's returns NaN), so only the
// dual-number forward mode checks this op's derivative.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

constexpr double kTwoOverSqrtPi = 1.1283791670955126;  // 2/√π

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::erf;
  using tc::erf;  // the c128 stub (ADL on std::complex would not find it)
  kernel::unary(in[0], out, [](S x) { return erf(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("erf", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = mul(a.grad, mul(scalar_like(x, kTwoOverSqrtPi), exp(neg(square(x)))));
}

}  // namespace

extern const OpDef op_erf = unary_float_row("erf")
    .math("y = erf x; dy/dx = 2/sqrt(pi) e^(-x^2)")
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor erf(const Tensor& x) { return apply_op(op_erf, {x}); }

}  // namespace tc
