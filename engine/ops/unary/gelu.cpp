// gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)), the exact form (tf.nn.gelu(approximate=False)).
//   d/dx = Φ(x) + x·φ(x),  φ(x) = e^(-x²/2)/√(2π).  Smooth everywhere.
// No complex extension (erf has none here, scalar.hpp); forward mode checks it on duals.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1/√(2π)

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::erf;
  using tc::erf;  // the c128 stub
  kernel::unary(in[0], out, [](S x) { return S(0.5) * x * (S(1) + erf(x * S(kInvSqrt2))); });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("gelu", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor cdf = mul(scalar_like(x, 0.5), add(scalar_like(x, 1), erf(mul(x, scalar_like(x, kInvSqrt2)))));
  const Tensor pdf = mul(scalar_like(x, kInvSqrt2Pi), exp(mul(scalar_like(x, -0.5), square(x))));
  g[0] = mul(a.grad, add(cdf, mul(x, pdf)));
}

}  // namespace

extern const OpDef op_gelu = unary_float_row("gelu")
    .math("y = x Phi(x) = x (1 + erf(x/sqrt 2))/2; dy/dx = Phi(x) + x phi(x)")
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor gelu(const Tensor& x) { return apply_op(op_gelu, {x}); }

}  // namespace tc
