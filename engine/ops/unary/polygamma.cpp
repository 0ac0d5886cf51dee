// polygamma(x; order) = ψ⁽ⁿ⁾(x), the n-th derivative of digamma, n = order in [0, 20]
// (tf.math.polygamma(a, x) with a constant a: TF gives no gradient for a either).
//   d/dx = ψ⁽ⁿ⁺¹⁾(x) = polygamma(x; order + 1): the VJP is this op one order up, so every
// higher derivative of lgamma/digamma comes from the tape. Poles at 0, -1, -2, ... (±inf or
// NaN there); the sampling domain is [0.5, 6], where ψ⁽ⁿ⁾ ~ n!/xⁿ⁺¹ stays moderate for the
// orders sampled (0..3).
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/scalar_math.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

constexpr std::int64_t kMaxOrder = 20;

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const int order = static_cast<int>(a.order);
  kernel::unary(in[0], out, [order](S x) { return polygamma(order, x); });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  if (a.order < 0 || a.order > kMaxOrder)
    throw ShapeError("polygamma: order " + std::to_string(a.order) + " is outside [0, " +
                     std::to_string(kMaxOrder) + "]");
  return kernel::infer_unary_float("polygamma", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = mul(a.grad, polygamma(a.inputs[0], a.attrs.order + 1));
}

OpAttrs sample_attrs(const TensorSpec*, int, Draw& draw) {
  OpAttrs a;
  a.order = draw.integer(0, 3);
  return a;
}

}  // namespace

extern const OpDef op_polygamma = unary_float_row("polygamma", {0.5, 6}).attrs(Attr::order)
    .math("y = psi^(n)(x), n = order; dy/dx = psi^(n+1)(x)")
    .sample_attrs(&sample_attrs)
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor polygamma(const Tensor& x, std::int64_t order) {
  OpAttrs a;
  a.order = order;
  return apply_op(op_polygamma, {x}, std::move(a));
}

}  // namespace tc
