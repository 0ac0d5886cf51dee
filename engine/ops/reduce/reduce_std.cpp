// reduce_std(x; axes, keepdims) = √(reduce_variance): the population standard deviation
// (tf.math.reduce_std).
//   ∂y/∂x_i = (x_i - μ)/(N·y).
// Kink where a group is constant (all its elements equal, y = 0): the standard deviation is
// the norm of the deviations over √N, a cone point there. A group of two is |x₀ - x₁|/2, whose
// cone is a hyperplane with two sides: it records which element is the larger too. TF differentiates sqrt at 0 and
// gets 0·inf = NaN; the reference takes 0 — the minimum-norm subgradient, and norm's choice
// at 0 (reduce/norm.cpp) — and its dual-number forward returns the tangent 0 there too.
// A group whose deviations are so small that the variance underflows to 0 is at the cone point
// to double precision and is treated as one (else (x - μ)/(N·0) is infinite, and 0·inf = NaN
// reaches every gradient downstream; norm's zero group underflows the same way). Decided on
// the elements' real parts (not on y, which a complex step's imaginary parts would move off
// 0), and each group records it in Branches, so no difference stencil crosses the cone point.
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/moments.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/select/select.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  using std::sqrt;
  const auto p = kernel::plan_reduce("reduce_std", in[0].spec.shape, a.axes, a.keepdims);
  const auto m = kernel::moments(in[0], p);
  const std::vector<bool> constant = kernel::zero_spread_groups(in[0].data, in[0].spec.shape, p);
  const std::vector<int> larger = kernel::larger_of_two(in[0].data, in[0].spec.shape, p);
  for (std::size_t o = 0; o < m.variance.size(); ++o) {
    if (branches) branches->add(constant[o] ? 0 : 1 + larger[o]);
    out.data[o] = constant[o] ? S(0) : sqrt(m.variance[o]);
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("reduce_std", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = kernel::plan_reduce("reduce_std", x.shape(), a.attrs.axes, a.attrs.keepdims);
  const Tensor y = reshape(a.output, p.kept.to_vector());
  const std::vector<bool> constant = kernel::zero_spread_groups(x.data(), x.shape(), p);
  std::vector<double> varies(constant.size());
  for (std::size_t i = 0; i < varies.size(); ++i) varies[i] = constant[i] ? 0 : 1;
  const Tensor cond = Tensor::constant(std::move(varies), y.shape(), DType::boolean);
  const Tensor safe_y = where(cond, y, scalar_like(y, 1));
  // (g/N)·((x - μ)/y): each deviation over y is at most √N in magnitude. g/(N·y) is never
  // formed: it overflows in f32 where N·y < 2.9e-39 (a subnormal spread, as log_sigmoid's
  // values near x = 90 have), and inf·(x - μ) made the first derivative infinite and second
  // derivatives NaN. A constant group's y is replaced by 1 and its upstream by 0 (the
  // double-where rule: the masked branch's own derivative stays finite).
  const Tensor upstream = where(cond, div(reshape(a.grad, p.kept.to_vector()),
                                          scalar_like(y, static_cast<double>(p.group))),
                                scalar_like(y, 0));
  g[0] = mul(upstream, div(sub(x, reduce_mean(x, a.attrs.axes, /*keepdims=*/true)), safe_y));
}

}  // namespace

extern const OpDef op_reduce_std = reduction_row("reduce_std")
    .kinks("a constant group (y = 0): the gradient is taken as 0 (the minimum-norm subgradient; TF: NaN); "
           "a group of two, |x0 - x1|/2, has a side: which element is the larger")
    .math("y = sqrt(reduce_variance x); dy/dx_i = (x_i - mean)/(N y), 0 where y = 0")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth), reads::self(Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reduce_std(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_std, {x}, std::move(a));
}

}  // namespace tc
