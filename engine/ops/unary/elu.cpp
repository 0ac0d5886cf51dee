// elu(x; alpha) = x for x > 0, alpha·(eˣ - 1) for x ≤ 0 (tf.nn.elu is alpha = 1; Keras'
// ELU(alpha) generalises it). d/dx = 1 for x > 0, alpha·eˣ = y + alpha for x < 0.
// At x = 0 the one-sided derivatives are 1 (right) and alpha (left): elu'(0) = 1, as TF's
// EluGrad (which tests y > 0 and uses y + 1 = 1 at 0 for alpha = 1). The forward takes the
// x branch at x = 0 so dual numbers and complex step see the same derivative 1.
// Branches are recorded for every alpha: even at alpha = 1, where elu is C¹, the second
// derivative jumps at 0, so a difference stencil across 0 loses an order of accuracy.
// The left branch uses expm1 for accuracy near 0. The VJP's left derivative is
// min(y, 0) + alpha: the same as y + alpha where it is used, but finite for x = +inf too
// (the constant mask zeroes it there, and 0·inf would be NaN).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& attrs, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  using std::expm1;
  using tc::expm1;  // the c128 overload (ADL on std::complex would not find it)
  const S alpha(attrs.alpha);
  const std::int64_t n = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < n; ++i) {
    const S x = in[0].data[i];
    const double r = real_part(x);
    out.data[i] = r >= 0 ? x : alpha * expm1(x);
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("elu", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor& y = a.output;
  // min(y, 0) + alpha = alpha·eˣ where x < 0.
  const Tensor left = add(neg(relu(neg(y))), scalar_like(y, a.attrs.alpha));
  const Tensor right_mask = mask_like(x, [](double v) { return v >= 0 ? 1.0 : 0.0; });
  const Tensor left_mask = mask_like(x, [](double v) { return v >= 0 ? 0.0 : 1.0; });
  g[0] = mul(a.grad, add(right_mask, mul(left_mask, left)));
}

}  // namespace

extern const OpDef op_elu = unary_float_row("elu").attrs(Attr::alpha).edges(Edges::zero)
    .kinks("x = 0: elu'(0) = 1 (the right-hand derivative; the left one is alpha)")
    .math("y = x if x > 0 else alpha (e^x - 1); dy/dx = [x >= 0] + [x < 0] alpha e^x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::piecewise), reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor elu(const Tensor& x, double alpha) {
  OpAttrs attrs;
  attrs.alpha = alpha;
  return apply_op(op_elu, {x}, std::move(attrs));
}

}  // namespace tc
