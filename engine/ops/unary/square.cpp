// square(x) = x².   d/dx = 2x.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return x * x; });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("square", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = mul(a.grad, mul(scalar_like(x, 2), x));
}

}  // namespace

extern const OpDef op_square = unary_float_row("square")
    .math("y = x^2; dy/dx = 2x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor square(const Tensor& x) { return apply_op(op_square, {x}); }

}  // namespace tc
