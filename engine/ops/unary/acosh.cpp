// acosh(x) = ln(x + √(x² - 1)) for x >= 1 (NaN below, as TF).
//   d/dx = 1/√(x² - 1): infinite at x = 1, so the sampling domain starts at 1.1.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::acosh;
  kernel::unary(in[0], out, [](S x) { return acosh(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("acosh", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = mul(a.grad, rsqrt(sub(square(x), scalar_like(x, 1))));
}

}  // namespace

extern const OpDef op_acosh = unary_float_row("acosh", {1.1, 4})
    .math("y = acosh x; dy/dx = 1/sqrt(x^2 - 1)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor acosh(const Tensor& x) { return apply_op(op_acosh, {x}); }

}  // namespace tc
