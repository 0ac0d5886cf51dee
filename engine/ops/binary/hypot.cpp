// hypot(a, b) = √(a² + b²), broadcast, without intermediate overflow (torch.hypot; TF has no
// hypot op: a TF user writes tf.sqrt(a*a + b*b), whose gradient at the origin is NaN).
//   ∂/∂a = a/h,   ∂/∂b = b/h.
// Kink at the origin (a = b = 0), a cone point: the derivative is a convention. We take 0 for
// both — the minimum-norm subgradient, and norm's choice at 0 (reduce/norm.cpp) — where torch's
// hypot_backward computes a/h = 0/0 = NaN. The forward on dual numbers and complex step
// returns the tangent 0 there too. Branches: 0 at the origin (on the kink, op_def.hpp),
// else 1 + the quadrant of (a, b). The derivative (a, b)/h turns
// around the origin, so a line through it — hypot(x, x) = √2|x| at x = 0 — is a cone's tip a
// difference stencil must not straddle; recording the origin alone left such a line unseen
// (crossed, never landed on: f32 subnormals, soak graph 147331). An axis crossed away from the
// origin is smooth; marking it only keeps a stencil on the point's side of it.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/select/select.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::binary(in[0], in[1], out, [branches](S a, S b) {
    if (branches) {
      const double ra = real_part(a), rb = real_part(b);
      branches->add(ra == 0 && rb == 0 ? 0 : 1 + (ra < 0 ? 1 : 0) + (rb < 0 ? 2 : 0));  // 0: on the kink
    }
    return hypot_of(a, b);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("hypot", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  const Tensor& h = v.output;
  // g·(a/h) where h > 0, 0 at the origin, through where: away from the origin it is recorded.
  // The origin's h is replaced by 1 (not only its result masked), so that the masked branch's
  // own derivative is finite there (the double-where rule). The quotients a/h and b/h lie in
  // [-1, 1]; g/h is never formed: where h is subnormal in f32 (h < 2.9e-39) 1/h overflows, and
  // inf·a gave an infinite first derivative and NaN second derivatives.
  std::vector<double> positive(static_cast<std::size_t>(h.numel()));
  for (std::size_t i = 0; i < positive.size(); ++i) positive[i] = h.data()[i] > 0 ? 1 : 0;
  const Tensor cond = Tensor::constant(std::move(positive), h.shape(), DType::boolean);
  const Tensor safe_h = where(cond, h, scalar_like(h, 1));
  const Tensor upstream = where(cond, v.grad, scalar_like(h, 0));
  g[0] = unbroadcast(mul(upstream, div(a, safe_h)), a.shape());
  g[1] = unbroadcast(mul(upstream, div(b, safe_h)), b.shape());
}

}  // namespace

extern const OpDef op_hypot = binary_float_row("hypot")
    .kinks("a = b = 0: both partial derivatives are taken as 0 (the minimum-norm subgradient; torch: NaN); the operands' signs are recorded, so a line through the origin is seen")
    .math("h = sqrt(a^2 + b^2); dh/da = a/h, dh/db = b/h (0 at the origin)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth), reads::self(Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::output(Dependence::smooth), reads::self(Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor hypot(const Tensor& a, const Tensor& b) { return apply_op(op_hypot, {a, b}); }

}  // namespace tc
