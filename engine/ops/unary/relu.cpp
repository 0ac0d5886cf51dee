// relu(x) = max(x, 0).   d/dx = 1 for x > 0, 0 for x < 0.
// Kink at x = 0: relu'(0) = 0, as TF (ReluGrad passes the gradient only where y > 0). The
// forward takes the zero branch at x = 0 so dual numbers and complex step see the same
// one-sided derivative. NaN propagates (relu(NaN) = NaN). The local derivative 0 gives a zero
// gradient, never None (R5).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const std::int64_t n = kernel::numel(out.spec);
  for (std::int64_t i = 0; i < n; ++i) {
    const S x = in[0].data[i];
    const double r = real_part(x);
    out.data[i] = r > 0 ? x : r <= 0 ? S(0) : x;  // the last arm is NaN
    if (branches) branches->add(r > 0 ? 1 : r < 0 ? -1 : 0);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  return kernel::infer_unary_float("relu", in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = mul(a.grad, mask_like(a.inputs[0], [](double x) { return x > 0 ? 1.0 : 0.0; }));
}

}  // namespace

extern const OpDef op_relu = kink_at_zero_row("relu", "x = 0: relu'(0) = 0", Dependence::piecewise)
    .math("y = max(x, 0); dy/dx = [x > 0]")
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor relu(const Tensor& x) { return apply_op(op_relu, {x}); }

}  // namespace tc
