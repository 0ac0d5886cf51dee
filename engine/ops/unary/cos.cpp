// cos(x).   d/dx = -sin(x). Smooth everywhere.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"
#include "engine/ops/vector_math.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::cos;
  kernel::unary_array(in[0], out, [](S x) { return cos(x); }, &vector_math::cos);
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("cos", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = neg(mul(a.grad, sin(a.inputs[0])));
}

}  // namespace

extern const OpDef op_cos = unary_float_row("cos")
    .math("y = cos x; dy/dx = -sin x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor cos(const Tensor& x) { return apply_op(op_cos, {x}); }

}  // namespace tc
