// atan(x), principal branch in (-π/2, π/2).   d/dx = 1/(1 + x²). Smooth on the real line.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::atan;
  kernel::unary(in[0], out, [](S x) { return atan(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("atan", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = div(a.grad, add(scalar_like(x, 1), square(x)));
}

}  // namespace

extern const OpDef op_atan = unary_float_row("atan")
    .math("y = atan x; dy/dx = 1/(1 + x^2)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor atan(const Tensor& x) { return apply_op(op_atan, {x}); }

}  // namespace tc
