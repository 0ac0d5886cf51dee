// exp(x) = eˣ.   d/dx exp(x) = exp(x): the VJP reuses the saved output, g·y.
// Smooth everywhere; overflows to inf for x > ~709 (f64) / ~88 (f32), as TF does.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/eigen_kernel.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  kernel::unary_vectorised(in[0], out, [](S x) { return exp(x); },
                           [](const auto& a) { return a.exp(); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("exp", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, a.output); }

}  // namespace

extern const OpDef op_exp = unary_float_row("exp", {-3, 3})
    .math("y = e^x; dy/dx = e^x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor exp(const Tensor& x) { return apply_op(op_exp, {x}); }

}  // namespace tc
