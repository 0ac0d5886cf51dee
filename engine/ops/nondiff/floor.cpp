// floor(x) = ⌊x⌋, the largest integer <= x; dtype kept (f32 -> f32, f64 -> f64).
// Piecewise constant: the derivative is 0 between integers and undefined at them. Like TF
// (FloorGrad is None, SEMANTICS R4) the tape gives None, not zeros: x's class is `none`.
// Edge cases: floor(-0.0) = -0.0, floor(±inf) = ±inf, floor(NaN) = NaN.
// Branches: the integer value, so a finite-difference stencil crossing an integer is seen.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::integer_valued(in[0], out, branches, [](double x) { return std::floor(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("floor", in, n);
}

}  // namespace

extern const OpDef op_floor = rounding_row("floor", {-3, 3, {-3, -2, -1, 0, 1, 2, 3}, 0.05})
    .kinks("x integer: jumps by 1; the gradient is None everywhere (R4)")
    .math("y = floor(x); gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor floor(const Tensor& x) { return apply_op(op_floor, {x}); }

}  // namespace tc
