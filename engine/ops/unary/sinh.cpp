// sinh(x) = (eˣ - e⁻ˣ)/2.   d/dx = cosh(x). Smooth; overflows to ±inf past |x| ~ 710.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::sinh;
  kernel::unary(in[0], out, [](S x) { return sinh(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("sinh", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, cosh(a.inputs[0])); }

}  // namespace

extern const OpDef op_sinh = unary_float_row("sinh")
    .math("y = sinh x; dy/dx = cosh x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sinh(const Tensor& x) { return apply_op(op_sinh, {x}); }

}  // namespace tc
