// tanh(x).   d/dx = 1 - tanh²x = 1 - y²: the VJP is one tanh_grad(y, g) op (TF's TanhGrad).
// Smooth everywhere; for |x| ≳ 19 (f64) y rounds to ±1 and the gradient to 0, as in TF.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"
#include "engine/ops/vector_math.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::tanh;
  kernel::unary_array(in[0], out, [](S x) { return tanh(x); }, &vector_math::tanh);
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("tanh", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = tanh_grad(a.output, a.grad);
}

}  // namespace

extern const OpDef op_tanh = unary_float_row("tanh")
    .math("y = tanh x; dy/dx = 1 - y^2")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor tanh(const Tensor& x) { return apply_op(op_tanh, {x}); }

}  // namespace tc
