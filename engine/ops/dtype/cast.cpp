// cast(x, dtype): x's values in the destination dtype's value set, as tf.cast:
//   f32/f64 destination: rounded to nearest (f64 -> f32), exact otherwise;
//   i32: truncated toward zero (2.7 -> 2, -2.7 -> -2), saturating at the i32 range, NaN -> 0;
//   bool: x != 0 (NaN -> true).
// Gradient (SEMANTICS R3/R4): between floating dtypes cast is the identity up to rounding,
// so dx = cast(g, dtype(x)). When the source or the destination is not floating the edge
// is cut (None): the tape never records such an edge (tape.cpp offer()) and explain() calls
// it an integer-dtype cut, so the VJP is only ever called for float <-> float.
// On Dual / complex scalars a floating destination keeps the tangent / imaginary part; an
// integer or bool destination drops it (the result is piecewise constant in x).
// Branches (integer/bool destinations only): the truncated integer, or sign(x) for bool.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {
namespace {

// x with its real part replaced by r, keeping the derivative part.
double with_real(double, double r) { return r; }
c128 with_real(c128 x, double r) { return {r, x.imag()}; }
Dual with_real(Dual x, double r) { return {r, x.d}; }
TermsDual with_real(TermsDual x, double r) { return {r, x.d}; }

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const DType to = a.dtype;
  if (is_floating(to)) {
    kernel::unary(in[0], out,
                  [to](S x) { return with_real(x, round_to_dtype(real_part(x), to)); });
    return;
  }
  kernel::unary(in[0], out, [to, branches](S x) {
    const double r = real_part(x);
    const double v = round_to_dtype(r, to);
    if (branches)
      branches->add(to == DType::boolean ? (r > 0 ? 1 : r < 0 ? -1 : 0)
                                         : static_cast<std::int32_t>(v));
    return S(v);
  });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("cast", n, 1);
  return {a.dtype, in[0].shape};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = cast(a.grad, a.inputs[0].dtype());
}

}  // namespace

extern const OpDef op_cast = OpRow("cast", "dtype")
    .input(OpInput("x").dtypes(DTypes::any).domain({-3, 3, {-3, -2, -1, 0, 1, 2, 3}, 0.05}))
    .result(ResultDType::from_attr()).shape_rule("same").attrs(Attr::dtype).traits(Trait::elementwise)
    .kinks("to i32: jumps at every integer (truncation); to bool: jumps at 0; the gradient through a "
           "non-floating source or destination is None (R3/R4)")
    .math("y = x in dtype; dy/dx = 1 between floating dtypes, None otherwise")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor cast(const Tensor& x, DType dtype) {
  OpAttrs a;
  a.dtype = dtype;
  return apply_op(op_cast, {x}, std::move(a));
}

}  // namespace tc
