// maximum(a, b) = max(a, b) element-wise with broadcasting.
//   ∂/∂a = 1 where a >= b else 0,   ∂/∂b = 1 where a < b else 0.
// Kink at a = b: the whole gradient goes to the FIRST operand (TF's _MaximumGrad uses
// x >= y), and the forward on dual/complex numbers picks a there too, so every mode
// realises the same one-sided derivative. A NaN operand wins (NaN propagates) and takes
// the gradient. Branches: 0 = a won, 1 = b won, 2 = tie (or NaN).
#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"

namespace tc {
namespace {

// Decided on real parts; shared by the forward and the VJP's mask.
bool a_wins(double a, double b) { return std::isnan(a) || (!std::isnan(b) && a >= b); }

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, Out<S> out, Branches* branches) {
  kernel::binary(in[0], in[1], out, [branches](S a, S b) {
    const double ra = real_part(a), rb = real_part(b);
    if (branches) branches->add(ra > rb ? 0 : ra < rb ? 1 : 2);
    return a_wins(ra, rb) ? a : b;
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_binary_float("maximum", in, n);
}

void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  const Shape& out = v.output.shape();
  const Tensor to_a = mask_like2(a, b, out, [](double x, double y) { return a_wins(x, y) ? 1.0 : 0.0; },
                                 v.grad.dtype());
  const Tensor to_b = mask_like2(a, b, out, [](double x, double y) { return a_wins(x, y) ? 0.0 : 1.0; },
                                 v.grad.dtype());
  g[0] = unbroadcast(mul(v.grad, to_a), a.shape());
  g[1] = unbroadcast(mul(v.grad, to_b), b.shape());
}

}  // namespace

extern const OpDef op_maximum{
    "maximum", "binary", 2, {{"a"}, {"b"}}, "", "float, float -> same (broadcast)",
    "a = b: the whole gradient goes to a (TF: x >= y)",
    "y = max(a, b); dy/da = [a >= b], dy/db = [a < b]", true, 1.0, &infer, TC_FORWARDS(forward),
    &vjp};

Tensor maximum(const Tensor& a, const Tensor& b) { return apply_op(op_maximum, {a, b}); }

}  // namespace tc
