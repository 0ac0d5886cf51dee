// cumprod(x; axis, exclusive, reverse): y_i = Π x_k along `axis` over k ≤ i (k < i with
// exclusive, the empty product being 1; k ≥ i / k > i with reverse) (tf.math.cumprod).
//   ∂y_i/∂x_j = Π_{k in range(i), k ≠ j} x_k  if j is in range(i), else 0.
// Zeros: TF's _CumprodGrad computes cumsum(cumprod(x)·g, reverse flipped) / x with
// div_no_nan, i.e. 0 wherever x_j = 0 — wrong whenever x_j is the only zero in a product that
// reaches the loss (the true ∂y_i/∂x_j is the product of the others, nonzero in general).
// The reference forms the products of the others directly, as reduce_prod does, so it is
// exact at any number of zeros and, being a polynomial written with engine ops, so are its
// second derivatives. For the axis of length n, view x as [B, n, A] and build
//   X'[b, j, i, a] = 1 if i = j else x[b, i, a]                           ([B, n, n, A])
//   P = cumprod(X' along i; same exclusive/reverse)   → P[b, j, i, a] = Π_{k in range(i), k ≠ j} x_k
//   dx[b, j, a] = Σ_i g[b, i, a] · [j in range(i)] · P[b, j, i, a]
// with constant 0/1 masks. The VJP is cumprod itself on n² elements per lane: fine for the
// graphs tapecheck builds (n ≤ a few dozen).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/cumulative/cumulative.hpp"
#include "engine/ops/cumulative/cumulative_plan.hpp"
#include "engine/ops/family_rows.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::scan("cumprod", a, in[0], out, S(1), [](S acc, S x) { return acc * x; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  return kernel::infer_scan("cumprod", a, in, n);
}

// Whether y_i's product includes x_j.
bool in_range(std::int64_t i, std::int64_t j, const OpAttrs& a) {
  if (a.reverse) return a.exclusive ? j > i : j >= i;
  return a.exclusive ? j < i : j <= i;
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = kernel::plan_scan("cumprod", x.shape(), a.attrs.axis);
  const std::int64_t n = p.n;
  std::vector<double> diag(static_cast<std::size_t>(n * n), 0.0), off(diag.size(), 1.0), reach(diag.size(), 0.0);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto at = static_cast<std::size_t>(j * n + i);
      diag[at] = i == j ? 1 : 0;
      off[at] = i == j ? 0 : 1;
      reach[at] = in_range(i, j, a.attrs) ? 1 : 0;
    }
  const Shape mask_shape{1, n, n, 1};
  const Tensor rows = broadcast_to(reshape(x, {p.outer, 1, n, p.inner}), {p.outer, n, n, p.inner});
  const Tensor others = add(mul(rows, Tensor::constant(std::move(off), mask_shape, x.dtype())),
                            Tensor::constant(std::move(diag), mask_shape, x.dtype()));
  const Tensor products = cumprod(others, 2, a.attrs.exclusive, a.attrs.reverse);
  const Tensor weighted = mul(mul(products, Tensor::constant(std::move(reach), mask_shape, x.dtype())),
                              reshape(a.grad, {p.outer, 1, n, p.inner}));
  g[0] = reshape(reduce_sum(weighted, {2}), x.shape().to_vector());
}

}  // namespace

extern const OpDef op_cumprod = OpRow("cumprod", "cumulative").input(OpInput("x").edges(Edges::zero))
    .result(ResultDType::of_input(0)).shape_rule("same")
    .attrs(Attr::axis | Attr::exclusive | Attr::reverse)
    .math("y_i = prod_{k <= i} x_k along axis (exclusive/reverse as cumsum); dx_j = sum_i g_i "
          "prod_{k <= i, k != j} x_k (exact at zeros)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor cumprod(const Tensor& x, std::int64_t axis, bool exclusive, bool reverse) {
  OpAttrs a;
  a.axis = axis;
  a.exclusive = exclusive;
  a.reverse = reverse;
  return apply_op(op_cumprod, {x}, std::move(a));
}

}  // namespace tc
