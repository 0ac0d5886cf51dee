// sigmoid(x) = 1/(1 + e⁻ˣ).   d/dx = y(1 - y): the VJP is one sigmoid_grad(y, g) op (TF's
// SigmoidGrad).
// Evaluated as 1/(1 + e⁻ˣ) for x ≥ 0 and eˣ/(1 + eˣ) for x < 0, so exp never overflows and
// large |x| gives 0 or 1 rather than NaN. Both forms are the same analytic function, so the
// switch is not a kink and is not recorded in Branches; it is decided on real_part(x) so dual
// numbers and complex step evaluate the same form.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/eigen_kernel.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  // For double, 1/(1 + e⁻ˣ) needs no second form: e⁻ˣ = inf gives exactly 0, never NaN.
  kernel::unary_vectorised(
      in[0], out,
      [](S x) {
        if (real_part(x) >= 0) return quotient(S(1), S(1) + exp(-x));
        const S e = exp(x);
        return quotient(e, S(1) + e);
      },
      [](const auto& a) { return 1.0 / (1.0 + (-a).exp()); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("sigmoid", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = sigmoid_grad(a.output, a.grad);
}

}  // namespace

extern const OpDef op_sigmoid = unary_float_row("sigmoid")
    .math("y = 1/(1 + e^-x); dy/dx = y (1 - y)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sigmoid(const Tensor& x) { return apply_op(op_sigmoid, {x}); }

}  // namespace tc
