// silu(x) = x·σ(x) (swish with β = 1; tf.nn.silu).
//   d/dx = σ(x)(1 + x(1 - σ(x))).  Smooth everywhere.
// σ is evaluated as in sigmoid.cpp (the form that never overflows, chosen on the real part:
// one analytic function, no kink).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  kernel::unary(in[0], out, [](S x) {
    if (real_part(x) >= 0) return quotient(x, S(1) + exp(-x));
    const S e = exp(x);
    return quotient(x * e, S(1) + e);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("silu", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor s = sigmoid(x);
  g[0] = mul(a.grad, mul(s, add(scalar_like(x, 1), mul(x, sub(scalar_like(x, 1), s)))));
}

}  // namespace

extern const OpDef op_silu = unary_float_row("silu")
    .math("y = x sigmoid(x); dy/dx = s (1 + x (1 - s)), s = sigmoid(x)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor silu(const Tensor& x) { return apply_op(op_silu, {x}); }

}  // namespace tc
