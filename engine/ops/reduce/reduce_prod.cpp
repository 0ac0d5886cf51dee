// reduce_prod(x, axes, keepdims) = Π over axes.
//   ∂y/∂x_j = Π_{i in group(j), i ≠ j} x_i : the product of the OTHER elements of the group.
// That is y/x_j only where x_j ≠ 0; computing the product of the others directly keeps the
// gradient right when elements are zero (one zero: only that element gets a non-zero
// gradient; two or more: all zero), and being a polynomial built from engine ops it also
// gives the right second derivatives there (Π over i ∉ {j, k}). TF gets the same from
// exclusive cumprods. A non-finite x_j gives NaN in its own gradient (inf·0 in the mask).
//
// How the products of the others are formed without moving axes: for one reduced axis d of
// size n, view x as [B, 1, n, A] (B, A: sizes before/after d), broadcast to [B, n, n, A],
// put 1 on the diagonal (constant masks) and multiply along the last n. Several axes are
// handled one at a time: for a group D × R,
//   others_{D×R}(x)[a, b] = others_D(x)[a, b] · others_R(Π_D x)[b].
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const auto p = kernel::plan_reduce("reduce_prod", in[0].spec.shape, a.axes, a.keepdims);
  const std::int64_t n = out.spec.shape.numel();
  for (std::int64_t i = 0; i < n; ++i) out.data[i] = S(1);
  kernel::for_each_reduced(in[0].spec.shape, p,
                           [&](std::int64_t i, std::int64_t o) { out.data[o] *= in[0].data[i]; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_reduce_float("reduce_prod", a, in, n);
}

// Π of the other elements along the single axis d; x's shape.
Tensor others_along(const Tensor& x, int d) {
  const Shape& s = x.shape();
  std::int64_t before = 1, after = 1;
  for (int k = 0; k < d; ++k) before *= s[k];
  for (int k = d + 1; k < s.rank(); ++k) after *= s[k];
  const std::int64_t n = s[d];
  std::vector<double> diag(static_cast<std::size_t>(n * n), 0.0), off(diag.size(), 1.0);
  for (std::int64_t i = 0; i < n; ++i) {
    diag[static_cast<std::size_t>(i * n + i)] = 1.0;
    off[static_cast<std::size_t>(i * n + i)] = 0.0;
  }
  const Shape mask_shape{1, n, n, 1};
  const Tensor rows = broadcast_to(reshape(x, {before, 1, n, after}), {before, n, n, after});
  const Tensor others = add(mul(rows, Tensor::constant(std::move(off), mask_shape, x.dtype())),
                            Tensor::constant(std::move(diag), mask_shape, x.dtype()));
  return reshape(reduce_prod(others, {2}), s.to_vector());
}

// Π of the other elements of each element's group over `axes` (ascending); x's shape.
Tensor others_over(const Tensor& x, const std::vector<int>& axes, std::size_t from) {
  // A group of one (nothing reduced): the product of no others, 1 — connected to x like the
  // products of larger groups, so that the second derivative is zeros, not None (R5).
  if (from == axes.size()) return piecewise_constant(Tensor::ones(x.shape(), x.dtype()), x);
  const int d = axes[from];
  const Tensor along = others_along(x, d);
  if (from + 1 == axes.size()) return along;
  const Tensor rest = others_over(reduce_prod(x, {d}, /*keepdims=*/true), axes, from + 1);
  return mul(along, rest);  // rest broadcasts along d
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = kernel::plan_reduce("reduce_prod", x.shape(), a.attrs.axes, a.attrs.keepdims);
  std::vector<int> axes;
  for (int k = 0; k < x.shape().rank(); ++k)
    if (p.reduced[k]) axes.push_back(k);
  g[0] = mul(reshape(a.grad, p.kept.to_vector()), others_over(x, axes, 0));
}

}  // namespace

extern const OpDef op_reduce_prod = reduction_row("reduce_prod").edges(Edges::zero)
    .math("y = prod_axes x; dy/dx_j = product of the other elements of j's group (exact at zeros)")
    .complex_step_ok()
    .tolerance_factor(10.0)
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor reduce_prod(const Tensor& x, std::vector<std::int64_t> axes, bool keepdims) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.keepdims = keepdims;
  return apply_op(op_reduce_prod, {x}, std::move(a));
}

}  // namespace tc
