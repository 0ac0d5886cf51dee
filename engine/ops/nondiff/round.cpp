// round(x): the nearest integer, halves to even (banker's rounding), as tf.round:
// round(0.5) = 0, round(1.5) = 2, round(2.5) = 2, round(-0.5) = -0.0, round(-1.5) = -2.
// A zero result keeps x's sign (round(-0.3) = -0.0). ±inf and NaN are returned unchanged.
// Piecewise constant, jumping at half-integers; the tape gives None (SEMANTICS R4), not zeros.
// Branches: the integer value, so a stencil crossing a half-integer is seen.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

// std::round rounds halves away from zero; at an exact half (x - trunc(x) is exact) take the
// even neighbour, 2·round(x/2). Independent of the floating-point rounding mode.
double round_half_even(double x) {
  if (std::fabs(x - std::trunc(x)) == 0.5) return 2.0 * std::round(x / 2.0);
  return std::round(x);
}

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::integer_valued(in[0], out, branches, &round_half_even);
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("round", in, n);
}

}  // namespace

extern const OpDef op_round = rounding_row("round", {-3, 3, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}, 0.05})
    .kinks("x a half-integer: jumps by 1 (halves go to even); the gradient is None everywhere (R4)")
    .math("y = round_half_to_even(x); gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor round(const Tensor& x) { return apply_op(op_round, {x}); }

}  // namespace tc
