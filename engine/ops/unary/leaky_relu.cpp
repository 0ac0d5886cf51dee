// leaky_relu(x; alpha) = x for x > 0, alpha·x otherwise (TF: tf.nn.leaky_relu, alpha = 0.2).
// d/dx = 1 for x > 0, alpha for x ≤ 0.
// Kink at x = 0 (unless alpha = 1): leaky_relu'(0) = alpha, as TF's LeakyReluGrad
// (features > 0 ? g : alpha·g). The forward takes the alpha branch at x = 0 so dual numbers
// and complex step see the same one-sided derivative. alpha = 0 gives a zero gradient for
// x ≤ 0, never None (R5).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& attrs, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const S alpha(attrs.alpha);
  const std::int64_t n = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < n; ++i) {
    const S x = in[0].data[i];
    const double r = real_part(x);
    out.data[i] = r > 0 ? x : alpha * x;
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("leaky_relu", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const double alpha = a.attrs.alpha;
  g[0] = mul(a.grad, mask_like(a.inputs[0], [alpha](double x) { return x > 0 ? 1.0 : alpha; }));
}

}  // namespace

extern const OpDef op_leaky_relu = kink_at_zero_row("leaky_relu", "x = 0: leaky_relu'(0) = alpha", Dependence::piecewise)
    .attrs(Attr::alpha)
    .math("y = x if x > 0 else alpha x; dy/dx = [x > 0] + alpha [x <= 0]")
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor leaky_relu(const Tensor& x, double alpha) {
  OpAttrs attrs;
  attrs.alpha = alpha;
  return apply_op(op_leaky_relu, {x}, std::move(attrs));
}

}  // namespace tc
