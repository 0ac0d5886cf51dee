// softmax(x, axis)_i = exp(x_i) / Σ_j exp(x_j) along `axis` (negative axes count from the end).
//   VJP: dx = y · (g - Σ_axis(g · y))   (the Jacobian is diag(y) - y yᵀ per slice).
// Evaluated as exp(x_i - m) / Σ exp(x_j - m) with m the slice's largest element (0 if not
// finite): the shift cancels exactly, so it is no kink and records no Branches.
// The attribute is OpAttrs::axis, whose default is 0; the .tcg format and graph IR always
// pass it explicitly, and the C++ wrapper defaults to -1 as TF does.
// tolerance_factor 4: the VJP subtracts Σ(g·y) from g, which cancels when g is nearly constant
// along the axis (Σ softmax(x) ≡ 1 is the common case): what remains is ~n·u·|g|, rounding
// relative to terms that neither the result nor the tangents through the op show (a
// 1e-16 f64 false alarm of the forward-mode oracle, found by a 3000-graph campaign).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/nn/nn.hpp"
#include "engine/ops/nn/nn_axis.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/stable_shift.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  using std::exp;
  const auto p = kernel::plan_axis("softmax", a.axis, in[0].spec.shape);
  const std::vector<double> m = kernel::stable_shift(in[0], p);
  std::vector<S> sum(m.size(), S(0));
  kernel::for_each_reduced(in[0].spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    out.data[i] = exp(in[0].data[i] - S(m[o]));
    sum[o] += out.data[i];
  });
  kernel::for_each_reduced(in[0].spec.shape, p,
                           [&](std::int64_t i, std::int64_t o) { out.data[i] = quotient(out.data[i], sum[o]); });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_axis_float("softmax", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const int axis = kernel::softmax_axis("softmax", a.attrs.axis, a.output.shape());
  const Tensor& y = a.output;
  g[0] = mul(y, sub(a.grad, reduce_sum(mul(a.grad, y), {axis}, /*keepdims=*/true)));
}

}  // namespace

extern const OpDef op_softmax = normalization_row("softmax").edges(Edges::large)
    .math("y = exp(x) / sum_axis exp(x); dx = y (g - sum_axis(g y))")
    .complex_step_ok()
    .tolerance_factor(4.0)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor softmax(const Tensor& x, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_softmax, {x}, std::move(a));
}

}  // namespace tc
