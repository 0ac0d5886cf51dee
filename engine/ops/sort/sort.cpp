// sort(x; axis, descending): x's entries along `axis` in ascending (or descending) order
// (tf.sort). A permutation of x: ∂y_t/∂x_j = 1 for the j that lands at t, so the VJP sends
// g back through the same permutation (a scatter with constant indices, index_map.hpp).
// Ties are kinks: sorted values are continuous there, but which element carries which
// gradient flips. The convention is the stable order (equal values keep their index order,
// TF's top_k on which tf.sort is built), and every element's source position is recorded in
// Branches so no difference stencil crosses a tie. NaN sorts after every number.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/index_map.hpp"
#include "engine/ops/sort/sort.hpp"
#include "engine/ops/sort/sort_plan.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const auto p = kernel::plan_lanes("sort", in[0].spec.shape, a.axis);
  const auto src = kernel::sorted_sources(in[0].data, p, a.descending, p.n, branches);
  for (std::size_t k = 0; k < src.size(); ++k) out.data[k] = in[0].data[src[k]];
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("sort", n, 1);
  kernel::expect_floating("sort", in[0], 0);
  kernel::plan_lanes("sort", in[0].shape, a.axis);
  return in[0];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = kernel::plan_lanes("sort", x.shape(), a.attrs.axis);
  g[0] = put_flat(a.grad, kernel::sorted_sources(x.data(), p, a.attrs.descending, p.n, nullptr), x.shape());
}

}  // namespace

extern const OpDef op_sort = OpRow("sort", "sort").input(OpInput("x").edges(Edges::ties)).result(ResultDType::of_input(0))
    .shape_rule("same").attrs(Attr::axis | Attr::descending).traits(Trait::shape)
    .kinks("ties: stable order (equal values keep their index order, as TF's top_k); each element's "
           "source position is recorded")
    .math("y = x sorted along axis; dx = g sent back through the sorting permutation")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor sort(const Tensor& x, std::int64_t axis, bool descending) {
  OpAttrs a;
  a.axis = axis;
  a.descending = descending;
  return apply_op(op_sort, {x}, std::move(a));
}

}  // namespace tc
