// norm(x; ord, axes, keepdims) = (Σ |x_i|^p)^(1/p) over each group, p = ord >= 1: the vector
// p-norm of the group's elements (tf.norm(x, ord=p, axis) on vectors; axes=[] flattens, as
// tf.norm(axis=None)). p = 1 is Σ|x_i|, p = 2 the Euclidean norm.
//   ∂y/∂x_i = sign(x_i)·(|x_i|/y)^(p-1)
// which is sign(x_i) for p = 1 and x_i/y for p = 2.
// Kinks, each with the derivative chosen and recorded in Branches:
//   - y = 0 (the whole group is 0), a cone point: the gradient is 0, the minimum-norm
//     subgradient (as torch.linalg.norm's backward, which masks y = 0). TF differentiates
//     sqrt(Σx²) and gets 0·inf = NaN at 0 — a by-product of composing sqrt and sum rather than
//     a chosen value; a checker must not require NaN there. Recorded for every p: a group
//     of one element is |x|, whose side is the element's sign (0 on the point).
//   - x_i = 0 for p < 2: for p = 1 the derivative jumps (sign(0) = 0, as abs'(0) = 0); for
//     1 < p < 2 the first derivative is continuous but the second is infinite: the VJP takes
//     it as 0 (masking the element as a zero group is masked), which makes Hessian-vector
//     products exact along every direction that keeps x_i at 0 (TF: 0·inf = NaN).
//   - x_i = 0 for p > 2 not an even integer: |x_i|^p is C² there, but its Hessian is not
//     smooth (6|x_i| for p = 3), and the second-order oracle differences the gradient: its
//     stencil straddled an element 2.5e-4 from 0 and missed by 0.3 % (soak graph 120893).
//     Element signs are recorded for every p but the even integers, whose |x|^p = x^p.
// The forward evaluates |x_i| by the sign of the real part (x_i, -x_i, or the constant 0) and
// returns the constant 0 for a zero group, so dual numbers realise exactly these conventions.
// The VJP is sign(x)·pow(|x|/y, p - 1) with y = 0 masked by where — both y and the group's
// elements, so that the masked branch has a finite derivative (else NaN leaks into second
// derivatives at a zero group): recorded, so second derivatives away from the kinks come from
// the tape.
#include <cmath>
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/ops/select/select.hpp"
#include "engine/ops/shape/shape.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

// ord = 1: the VJP is sign(x)·g (TF's reduce_sum(abs(x))), which reads no output; every other
// ord divides by it.
bool divides_by_the_norm(const OpAttrs& a) { return a.ord != 1; }

// Whether an element's zero is a kink of some derivative the oracles difference: for every p
// but the even integers (x², x⁴: smooth).
bool element_zero_is_a_kink(double p) { return !(p >= 2 && std::fmod(p, 2.0) == 0); }

void check_ord(double p) {
  if (!(p >= 1) || !std::isfinite(p))
    throw ShapeError("norm: ord " + std::to_string(p) + " is not a finite p >= 1");
}

template <class S>
S magnitude(S x) {
  const double r = real_part(x);
  return r > 0 ? x : r < 0 ? -x : r == 0 ? S(0) : x;  // the last arm is NaN
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  using std::pow;
  using std::sqrt;
  const auto p = kernel::plan_reduce("norm", in[0].spec.shape, a.axes, a.keepdims);
  const double ord = a.ord;
  const std::int64_t groups = out.spec.shape.numel();
  std::vector<S> sum(static_cast<std::size_t>(groups), S(0));
  // Per group: its number of elements and the sign of its last one.
  std::vector<std::pair<std::int64_t, std::int32_t>> members(branches ? static_cast<std::size_t>(groups) : 0);
  kernel::for_each_reduced(in[0].spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    const S m = magnitude(in[0].data[i]);
    if (branches) {
      const double r = real_part(in[0].data[i]);
      const std::int32_t sign = r > 0 ? 1 : r < 0 ? -1 : 0;
      if (element_zero_is_a_kink(ord)) branches->add(sign);
      members[static_cast<std::size_t>(o)] = {members[static_cast<std::size_t>(o)].first + 1, sign};
    }
    sum[o] += ord == 1 ? m : ord == 2 ? m * m : pow(m, ord);
  });
  for (std::int64_t o = 0; o < groups; ++o) {
    const bool zero = real_part(sum[o]) == 0;
    // A group of one element is |x|: its zero is a kink on every line through it, so the
    // element's sign is the side (0 on it). A larger group's zero is crossed only along lines
    // on which its other elements stay exactly 0, and that is not recorded: a record of "one
    // element not 0" would change where a zero element moves off 0 beside a nonzero one, where
    // the norm is smooth (ord >= 2), and read as a kink there.
    if (branches) {
      const auto [size, sign] = members[static_cast<std::size_t>(o)];
      branches->add(zero ? 0 : size == 1 ? sign : 3);
    }
    out.data[o] = zero ? S(0) : ord == 1 ? sum[o] : ord == 2 ? sqrt(sum[o]) : pow(sum[o], 1 / ord);
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  check_ord(a.ord);
  return kernel::infer_reduce_float("norm", a, in, n);
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const double ord = a.attrs.ord;
  const auto p = kernel::plan_reduce("norm", x.shape(), a.attrs.axes, a.attrs.keepdims);
  const Tensor upstream = reshape(a.grad, p.kept.to_vector());
  if (ord == 1) {
    g[0] = mul(upstream, sign(x));
    return;
  }
  const Tensor y = reshape(a.output, p.kept.to_vector());
  std::vector<double> positive(static_cast<std::size_t>(y.numel()));
  for (std::size_t i = 0; i < positive.size(); ++i) positive[i] = y.data()[i] > 0 ? 1 : 0;
  const Tensor cond = Tensor::constant(std::move(positive), y.shape(), DType::boolean);
  const Tensor safe_y = where(cond, y, scalar_like(y, 1));
  // A zero group's elements are replaced by 1 as well, not only its y: the local derivative is
  // masked to 0 there, but its own derivative is pow's at 0 (infinite for 1 < p < 2) and
  // 0·inf = NaN would leak through the mask into second derivatives (the double-where rule).
  // For 1 < p < 2 every zero element is masked alike: its local derivative is 0, but pow's
  // derivative at 0 is infinite, and the nested tapes multiplied it by the zero cotangent of an
  // element that does not move (an exclusive scan's leading 0): 0·inf = NaN, where the
  // Hessian-vector product along every direction that keeps the element at 0 is finite. Its
  // second derivative is taken as 0 (the true one is +inf: a direction that moves the element
  // crosses the kink its sign 0 records).
  Tensor mask = cond;
  if (ord < 2) {
    std::vector<double> live(static_cast<std::size_t>(x.numel()));
    kernel::for_each_reduced(x.shape(), p, [&](std::int64_t i, std::int64_t o) {
      live[static_cast<std::size_t>(i)] = y.data()[o] > 0 && x.data()[i] != 0 ? 1 : 0;
    });
    mask = Tensor::constant(std::move(live), x.shape(), DType::boolean);
  }
  const Tensor safe_x = where(mask, x, scalar_like(x, 1));
  const Tensor local = ord == 2 ? div(safe_x, safe_y)
                                : mul(sign(safe_x), pow(div(abs(safe_x), safe_y), scalar_like(x, ord - 1)));
  g[0] = where(mask, mul(upstream, local), scalar_like(x, 0));
}

}  // namespace

extern const OpDef op_norm = reduction_row("norm").edges(Edges::zero).attrs(Attr::axes | Attr::keepdims | Attr::ord)
    .kinks("a zero group (y = 0): gradient 0 (minimum-norm subgradient, as torch; TF's sqrt gives NaN); "
           "x_i = 0 for ord < 2: sign(0) = 0 (ord = 1); the second derivative, +inf, taken as 0 (1 < ord < 2; "
           "TF: NaN); x_i = 0 for ord > 2 not an even integer: a kink of the Hessian (recorded, no choice made)")
    .math("y = (sum_axes |x|^p)^(1/p), p = ord >= 1; dy/dx_i = sign(x_i) (|x_i|/y)^(p-1), 0 where y = 0")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::output_when(Dependence::smooth, &divides_by_the_norm), reads::self(Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor norm(const Tensor& x, double ord, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.ord = ord;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_norm, {x}, std::move(a));
}

}  // namespace tc
