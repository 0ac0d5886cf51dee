// ceil(x) = ⌈x⌉, the smallest integer >= x; dtype kept (f32 -> f32, f64 -> f64).
// Piecewise constant: the derivative is 0 between integers and undefined at them. Like TF
// (no gradient for Ceil, SEMANTICS R4) the tape gives None, not zeros: x's class is `none`.
// Edge cases: ceil(-0.5) = -0.0, ceil(±inf) = ±inf, ceil(NaN) = NaN.
// Branches: the integer value, so a finite-difference stencil crossing an integer is seen.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::integer_valued(in[0], out, branches, [](double x) { return std::ceil(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("ceil", in, n);
}

}  // namespace

extern const OpDef op_ceil = rounding_row("ceil", {-3, 3, {-3, -2, -1, 0, 1, 2, 3}, 0.05})
    .kinks("x integer: jumps by 1; the gradient is None everywhere (R4)")
    .math("y = ceil(x); gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor ceil(const Tensor& x) { return apply_op(op_ceil, {x}); }

}  // namespace tc
