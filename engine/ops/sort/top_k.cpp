// top_k(x; k): the k largest entries of each row along the last axis, largest first
// (tf.math.top_k(x, k).values; the indices are argsort(x, descending) sliced to k, the
// integer output a separate statement takes). 1 <= k <= the last dimension.
// Each value is one entry of x: the VJP adds g_t to the entry that came out at t (TF's
// _TopKGrad scatters through the indices), a scatter with constant indices (index_map.hpp).
// Ties are kinks: when equal entries compete for the last place, or for an order among the
// first k, which one carries the gradient is a convention — the lower index first, as TF
// ("if two elements are equal, the lower-index element appears first") — and every output's
// source position is recorded in Branches, so no difference stencil crosses a tie.
#include <string>

#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/index_map.hpp"
#include "engine/ops/sort/sort.hpp"
#include "engine/ops/sort/sort_plan.hpp"

namespace tc {
namespace {

kernel::LanePlan plan(const Shape& s, std::int64_t k) {
  const auto p = kernel::plan_lanes("top_k", s, -1);
  if (k < 1 || k > p.n)
    throw ShapeError("top_k: k = " + std::to_string(k) + " is outside [1, " + std::to_string(p.n) +
                     "] for input of shape " + s.str());
  return p;
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const auto p = plan(in[0].spec.shape, a.k);
  const auto src = kernel::sorted_sources(in[0].data, p, /*descending=*/true, a.k, branches);
  for (std::size_t t = 0; t < src.size(); ++t) out.data[t] = in[0].data[src[t]];
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("top_k", n, 1);
  kernel::expect_floating("top_k", in[0], 0);
  plan(in[0].shape, a.k);
  Shape s = in[0].shape;
  s[s.rank() - 1] = a.k;
  return {in[0].dtype, s};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const auto p = plan(x.shape(), a.attrs.k);
  g[0] = put_flat(a.grad, kernel::sorted_sources(x.data(), p, true, a.attrs.k, nullptr), x.shape());
}

}  // namespace

extern const OpDef op_top_k = OpRow("top_k", "sort").input(OpInput("x").edges(Edges::ties)).result(ResultDType::of_input(0))
    .shape_rule("last axis cut to k").attrs(Attr::k).traits(Trait::shape)
    .kinks("ties: the lower index first (TF); each output's source position is recorded")
    .math("y = the k largest of each row, largest first; dx = g added at the entries picked")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor top_k(const Tensor& x, std::int64_t k) {
  OpAttrs a;
  a.k = k;
  return apply_op(op_top_k, {x}, std::move(a));
}

}  // namespace tc
