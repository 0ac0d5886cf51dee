// neg(x) = -x.   d/dx = -1.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return -x; });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("neg", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = neg(a.grad); }

}  // namespace

extern const OpDef op_neg = unary_float_row("neg")
    .math("y = -x; dy/dx = -1")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor neg(const Tensor& x) { return apply_op(op_neg, {x}); }

}  // namespace tc
