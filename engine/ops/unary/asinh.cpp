// asinh(x) = ln(x + √(x² + 1)).   d/dx = 1/√(x² + 1). Smooth on the real line.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::asinh;
  kernel::unary(in[0], out, [](S x) { return asinh(x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("asinh", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  g[0] = mul(a.grad, rsqrt(add(square(x), scalar_like(x, 1))));
}

}  // namespace

extern const OpDef op_asinh = unary_float_row("asinh")
    .math("y = asinh x; dy/dx = 1/sqrt(x^2 + 1)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor asinh(const Tensor& x) { return apply_op(op_asinh, {x}); }

}  // namespace tc
