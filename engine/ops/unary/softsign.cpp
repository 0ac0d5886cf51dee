// softsign(x) = x/(1 + |x|) (tf.nn.softsign).   d/dx = 1/(1 + |x|)².
// x = 0: the first derivative is 1 from both sides, but the second jumps (-2 on the right,
// +2 on the left), so 0 is recorded as a kink: a difference stencil across it loses an order
// of accuracy, and second derivatives there are a convention. The VJP differentiates |x|
// with abs (abs'(0) = 0), so the second derivative taken through the tape at 0 is 0.
// The forward evaluates 1 + x or 1 - x by the sign of the real part: analytic on each side,
// the same side for dual numbers and complex step.
#include "engine/ops/binary/binary.hpp"
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
    const S x = in[0].data[i];
    const double r = real_part(x);
    out.data[i] = quotient(x, S(1) + (r >= 0 ? x : -x));
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("softsign", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = div(a.grad, square(add(scalar_like(x, 1), abs(x))));
}

}  // namespace

extern const OpDef op_softsign = kink_at_zero_row("softsign",
                     "x = 0: y' = 1 from both sides; y'' jumps (-2 right, +2 left) and is 0 at 0 (abs'(0) = 0)",
                     Dependence::smooth)
    .math("y = x/(1 + |x|); dy/dx = 1/(1 + |x|)^2")
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor softsign(const Tensor& x) { return apply_op(op_softsign, {x}); }

}  // namespace tc
