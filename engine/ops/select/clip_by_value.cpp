// clip_by_value(x; lo, hi) = min(max(x, lo), hi), lo <= hi (attrs).
// dy/dx = 1 where lo <= x <= hi — INCLUSIVE at both bounds, TF's convention (its gradient
// zeroes only x < lo or x > hi) — and 0 outside. NaN passes through with gradient g, as in TF.
// Branches: -1 below lo (y = lo), 0 inside (y = x, bounds included), +1 above hi (y = hi).
// The forward on dual/complex takes the same branch, so at x = lo or x = hi it carries
// derivative 1, matching the VJP.
// The bounds are compared in x's dtype: TF (clip_by_value converts them to tensors of t's
// dtype) and torch (clamp's scalars in a float tensor's type) round lo and hi to f32 for an
// f32 x, so an f32 x equal to the rounded bound is at the bound — inside, gradient 1 — even
// where the double attribute lies on the other side of it (x = 0.1f > hi = 0.1).
#include <string>

#include "engine/core/dtype.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/select/select.hpp"

namespace tc {
namespace {

// lo and hi as a tensor of x's dtype holds them: what the forward and the VJP both compare with.
struct Bounds {
  double lo, hi;
};
Bounds bounds_in(const OpAttrs& a, DType x_dtype) {
  return {round_to_dtype(a.lo, x_dtype), round_to_dtype(a.hi, x_dtype)};
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const Bounds b = bounds_in(a, in[0].spec.dtype);
  kernel::unary(in[0], out, [&](S x) {
    const double r = real_part(x);
    const int side = r < b.lo ? -1 : r > b.hi ? 1 : 0;
    if (branches) branches->add(side);
    return side < 0 ? S(b.lo) : side > 0 ? S(b.hi) : x;
  });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  const TensorSpec s = kernel::infer_unary_float("clip_by_value", in, n);
  if (!(a.lo <= a.hi))
    throw Error("clip_by_value: lo = " + std::to_string(a.lo) + " exceeds hi = " +
                std::to_string(a.hi) + " (input " + in[0].shape.str() + ")");
  return s;
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Bounds b = bounds_in(a.attrs, a.inputs[0].dtype());
  g[0] = mul(a.grad, mask_like(a.inputs[0], [b](double x) {
               return x < b.lo || x > b.hi ? 0.0 : 1.0;
             }));
}

}  // namespace

extern const OpDef op_clip_by_value = OpRow("clip_by_value", "select").input(OpInput("x").edges(Edges::bounds))
    .result(ResultDType::of_input(0)).shape_rule("same").attrs(Attr::lo | Attr::hi).traits(Trait::elementwise)
    .kinks("x = lo or x = hi, the bounds rounded to x's dtype (as TF and torch): derivative 1 "
           "(inclusive, TF's lo <= x <= hi); 0 for x < lo or x > hi")
    .math("y = min(max(x, lo), hi); dy/dx = [lo <= x <= hi]")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor clip_by_value(const Tensor& x, double lo, double hi) {
  OpAttrs a;
  a.lo = lo;
  a.hi = hi;
  return apply_op(op_clip_by_value, {x}, std::move(a));
}

}  // namespace tc
