// abs(x) = |x|.   d/dx = sign(x): 1 for x > 0, -1 for x < 0.
// Kink at x = 0: abs'(0) = 0, as TF (AbsGrad = g·sign(x)). The forward returns the constant 0
// at x = 0 so dual numbers and complex step see the same zero derivative. abs(-0) = +0 and
// NaN propagates. The zero at the kink is a zero gradient, never None (R5).
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
    out.data[i] = r > 0 ? x : r < 0 ? -x : r == 0 ? S(0) : x;  // the last arm is NaN
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("abs", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor sgn =
      mask_like(a.inputs[0], [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; });
  g[0] = mul(a.grad, sgn);
}

}  // namespace

extern const OpDef op_abs = kink_at_zero_row("abs", "x = 0: abs'(0) = 0", Dependence::piecewise)
    .math("y = |x|; dy/dx = sign(x)")
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor abs(const Tensor& x) { return apply_op(op_abs, {x}); }

}  // namespace tc
