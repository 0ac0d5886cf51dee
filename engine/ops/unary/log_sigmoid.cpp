// log_sigmoid(x) = ln σ(x) = -softplus(-x) (tf.math.log_sigmoid).   d/dx = σ(-x) = 1 - σ(x).
// Evaluated as -log1p(e⁻ˣ) for x >= 0 and x - log1p(eˣ) for x < 0, so exp never overflows
// (log_sigmoid(x) → x for x → -∞, → 0 for x → +∞). Both forms are one analytic function: the
// switch, decided on the real part, is no kink.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log1p;
  using tc::log1p;  // the c128 overload
  kernel::unary(in[0], out, [](S x) {
    if (real_part(x) >= 0) return -log1p(exp(-x));
    return x - log1p(exp(x));
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("log_sigmoid", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[0] = mul(a.grad, sigmoid(neg(a.inputs[0]))); }

}  // namespace

extern const OpDef op_log_sigmoid = unary_float_row("log_sigmoid").edges(Edges::large)
    .math("y = ln sigmoid(x) = -softplus(-x); dy/dx = sigmoid(-x)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor log_sigmoid(const Tensor& x) { return apply_op(op_log_sigmoid, {x}); }

}  // namespace tc
