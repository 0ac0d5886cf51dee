// selu(x) = λx for x >= 0, λα(eˣ - 1) for x < 0, with λ = 1.0507009873554805 and
// α = 1.6732632423543772 (Klambauer et al. 2017; tf.nn.selu).
//   d/dx = λ for x > 0, λαeˣ = y + λα for x < 0.
// Kink at x = 0: the one-sided derivatives are λ (right) and λα (left). selu'(0) = λ, as TF:
// its Selu kernel takes the λx branch unless x < 0 and SeluGrad passes g·λ unless the
// activation is < 0 (tensorflow/core/kernels/relu_op_functor.h). The forward takes the λx
// branch at x = 0 so dual numbers and complex step see λ too.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

constexpr double kScale = 1.0507009873554804934193349852946;
constexpr double kScaleAlpha = 1.7580993408473768599402175208123;  // λα

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  using std::expm1;
  using tc::expm1;  // the c128 overload
  const std::int64_t n = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < n; ++i) {
    const S x = in[0].data[i];
    const double r = real_part(x);
    out.data[i] = r >= 0 ? S(kScale) * x : r < 0 ? S(kScaleAlpha) * expm1(x) : x;  // the last arm is NaN
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("selu", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor& y = a.output;
  // min(y, 0) + λα = λαeˣ where x < 0, finite where x = +inf (the mask zeroes it there).
  const Tensor left = add(neg(relu(neg(y))), scalar_like(y, kScaleAlpha));
  const Tensor right_mask = mask_like(x, [](double v) { return v >= 0 ? kScale : 0.0; });
  const Tensor left_mask = mask_like(x, [](double v) { return v >= 0 ? 0.0 : 1.0; });
  g[0] = mul(a.grad, add(right_mask, mul(left_mask, left)));
}

}  // namespace

extern const OpDef op_selu = unary_float_row("selu").edges(Edges::zero)
    .kinks("x = 0: selu'(0) = lambda (the right-hand derivative; the left one is lambda alpha), as TF")
    .math("y = lambda x if x >= 0 else lambda alpha (e^x - 1); dy/dx = lambda [x >= 0] + [x < 0] lambda alpha e^x")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth), reads::self(Dependence::piecewise)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor selu(const Tensor& x) { return apply_op(op_selu, {x}); }

}  // namespace tc
