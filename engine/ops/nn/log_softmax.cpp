// log_softmax(x, axis)_i = x_i - log Σ_j exp(x_j) along `axis` (negative axes count from the end).
//   VJP: dx = g - softmax(x) · Σ_axis g,   with softmax(x) = exp(y).
// Evaluated as (x_i - m) - log Σ exp(x_j - m) with m the slice's largest element (0 if not
// finite): the shift cancels exactly, so it is no kink and records no Branches.
// The attribute is OpAttrs::axis, whose default is 0; the .tcg format and graph IR always
// pass it explicitly, and the C++ wrapper defaults to -1 as TF does.
// tolerance_factor 4, as softmax: the VJP's g - softmax(x)·Σg cancels when g is nearly
// constant along the axis, leaving rounding relative to |g|, not to the result.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/nn/nn.hpp"
#include "engine/ops/nn/nn_axis.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/stable_shift.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  using std::log;
  const auto p = kernel::plan_axis("log_softmax", a.axis, in[0].spec.shape);
  const std::vector<double> m = kernel::stable_shift(in[0], p);
  std::vector<S> sum(m.size(), S(0));
  kernel::for_each_reduced(in[0].spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    out.data[i] = in[0].data[i] - S(m[o]);
    sum[o] += exp(out.data[i]);
  });
  for (S& s : sum) s = log(s);
  kernel::for_each_reduced(in[0].spec.shape, p,
                           [&](std::int64_t i, std::int64_t o) { out.data[i] -= sum[o]; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_axis_float("log_softmax", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const int axis = kernel::softmax_axis("log_softmax", a.attrs.axis, a.output.shape());
  g[0] = sub(a.grad, mul(exp(a.output), reduce_sum(a.grad, {axis}, /*keepdims=*/true)));
}

}  // namespace

extern const OpDef op_log_softmax = normalization_row("log_softmax").edges(Edges::large)
    .math("y = x - log sum_axis exp(x); dx = g - softmax(x) sum_axis g")
    .complex_step_ok()
    .tolerance_factor(4.0)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor log_softmax(const Tensor& x, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_log_softmax, {x}, std::move(a));
}

}  // namespace tc
