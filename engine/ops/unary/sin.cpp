// sin(x).   d/dx = cos(x). Smooth everywhere.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"
#include "engine/ops/vector_math.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::sin;
  kernel::unary_array(in[0], out, [](S x) { return sin(x); }, &vector_math::sin);
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("sin", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, cos(a.inputs[0])); }

}  // namespace

extern const OpDef op_sin = unary_float_row("sin")
    .math("y = sin x; dy/dx = cos x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sin(const Tensor& x) { return apply_op(op_sin, {x}); }

}  // namespace tc
