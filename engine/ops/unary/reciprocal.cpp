// reciprocal(x) = 1/x.   d/dx = -1/x² = -y² (TF's ReciprocalGrad form).
// reciprocal(±0) = ±inf, as in TF; the sampling domain keeps a margin of 0.25 from 0.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return quotient(S(1), x); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("reciprocal", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = neg(mul(a.grad, square(a.output)));
}

}  // namespace

extern const OpDef op_reciprocal = unary_float_row("reciprocal", {-3, 3, {0.0}, 0.25})
    .math("y = 1/x; dy/dx = -1/x^2")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reciprocal(const Tensor& x) { return apply_op(op_reciprocal, {x}); }

}  // namespace tc
