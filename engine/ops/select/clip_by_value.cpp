// clip_by_value(x; lo, hi) = min(max(x, lo), hi), lo <= hi (attrs).
// dy/dx = 1 where lo <= x <= hi — INCLUSIVE at both bounds, TF's convention (its gradient
// zeroes only x < lo or x > hi) — and 0 outside. NaN passes through with gradient g, as in TF.
// Branches: -1 below lo (y = lo), 0 inside (y = x, bounds included), +1 above hi (y = hi).
// The forward on dual/complex takes the same branch, so at x = lo or x = hi it carries
// derivative 1, matching the VJP.
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/select/select.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const double lo = a.lo, hi = a.hi;
  kernel::unary(in[0], out, [&](S x) {
    const double r = real_part(x);
    const int side = r < lo ? -1 : r > hi ? 1 : 0;
    if (branches) branches->add(side);
    return side < 0 ? S(lo) : side > 0 ? S(hi) : x;
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
  const double lo = a.attrs.lo, hi = a.attrs.hi;
  g[0] = mul(a.grad, mask_like(a.inputs[0], [lo, hi](double x) {
               return x < lo || x > hi ? 0.0 : 1.0;
             }));
}

}  // namespace

extern const OpDef op_clip_by_value = OpRow("clip_by_value", "select").input(OpInput("x").edges(Edges::bounds))
    .result(ResultDType::of_input(0)).shape_rule("same").attrs(Attr::lo | Attr::hi).traits(Trait::elementwise)
    .kinks("x = lo or x = hi: derivative 1 (inclusive, TF's lo <= x <= hi); 0 for x < lo or x > hi")
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
