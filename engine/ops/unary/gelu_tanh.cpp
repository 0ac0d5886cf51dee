// gelu_tanh(x) = ½x(1 + tanh(u)),  u = √(2/π)(x + 0.044715x³): the tanh approximation
// (tf.nn.gelu(approximate=True)).
//   d/dx = ½(1 + t) + ½x(1 - t²)·√(2/π)(1 + 3·0.044715x²),  t = tanh(u).  Smooth everywhere.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kCubic = 0.044715;

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::tanh;
  kernel::unary(in[0], out, [](S x) {
    const S u = S(kSqrt2OverPi) * (x + S(kCubic) * x * x * x);
    return S(0.5) * x * (S(1) + tanh(u));
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("gelu_tanh", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor x2 = square(x);
  const Tensor u = mul(scalar_like(x, kSqrt2OverPi), mul(x, add(scalar_like(x, 1), mul(scalar_like(x, kCubic), x2))));
  const Tensor t = tanh(u);
  const Tensor du = mul(scalar_like(x, kSqrt2OverPi), add(scalar_like(x, 1), mul(scalar_like(x, 3 * kCubic), x2)));
  const Tensor half = scalar_like(x, 0.5);
  const Tensor dy = add(mul(half, add(scalar_like(x, 1), t)),
                        mul(mul(half, x), mul(sub(scalar_like(x, 1), square(t)), du)));
  g[0] = mul(a.grad, dy);
}

}  // namespace

extern const OpDef op_gelu_tanh = unary_float_row("gelu_tanh")
    .math("y = x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))/2; dy/dx = (1 + t)/2 + x (1 - t^2) u'/2")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor gelu_tanh(const Tensor& x) { return apply_op(op_gelu_tanh, {x}); }

}  // namespace tc
