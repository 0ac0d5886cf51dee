// logsumexp(x, axes, keepdims) = log Σ exp(x) over axes, evaluated as
//   y = m + log Σ exp(x - m),   m = the group's largest element (0 if not finite),
// so large inputs do not overflow. The shift is a constant (it cancels exactly), not a kink:
// no Branches. ∂y/∂x_i = exp(x_i - y) = softmax(x)_i over the group.
// An empty group gives -inf (log 0), as TF.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/ops/reduce/stable_shift.hpp"
#include "engine/ops/shape/shape.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log;
  const auto p = kernel::plan_reduce("logsumexp", in[0].spec.shape, a.axes, a.keepdims);
  const std::vector<double> m = kernel::stable_shift(in[0], p);
  const std::int64_t n = out.spec.shape.numel();
  std::vector<S> sum(static_cast<std::size_t>(n), S(0));
  kernel::for_each_reduced(in[0].spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    sum[o] += exp(in[0].data[i] - S(m[o]));
  });
  for (std::int64_t o = 0; o < n; ++o) out.data[o] = S(m[o]) + log(sum[o]);
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("logsumexp", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = kernel::plan_reduce("logsumexp", x.shape(), a.attrs.axes, a.attrs.keepdims);
  const std::vector<std::int64_t> kept = p.kept.to_vector();
  // softmax(x) over the group, formed with the forward's max shift m (a constant: it cancels):
  // exp(x - m) / sum exp(x - m). The shorter exp(x - y) loses u·|y| relative accuracy to the
  // rounding of y, 1.6e-13 at y = 713 (a false alarm against complex step's 1e-16).
  const Tensor m = Tensor::constant(kernel::stable_shift(In<double>{x.data(), x.spec()}, p), p.kept, x.dtype());
  const Tensor e = exp(sub(x, m));
  g[0] = mul(reshape(a.grad, kept), div(e, reduce_sum(e, a.attrs.axes, /*keepdims=*/true)));
}

}  // namespace

extern const OpDef op_logsumexp = reduction_row("logsumexp").edges(Edges::large)
    .math("y = log sum_axes exp(x) (max-shifted); dy/dx = softmax(x) (max-shifted too)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor logsumexp(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_logsumexp, {x}, std::move(a));
}

}  // namespace tc
