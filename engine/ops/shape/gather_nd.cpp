// gather_nd(params, indices): tf.gather_nd (batch_dims 0). indices [..., M] (i32) with
// 1 ≤ M ≤ rank(params) names M leading coordinates of params; each row of indices picks the
// slice params[i_0, ..., i_{M-1}, :, ...]:
//   y[b, r] = params[indices[b, 0], ..., indices[b, M-1], r],
// shape indices[:-1] + params[M:]. An index outside its axis is a tc::Error naming it (TF raises
// on CPU). ∂y/∂params is a 0/1 selection, so the VJP is its transpose, TF's GatherNdGrad
// (scatter_nd into zeros of params' shape): a slice picked k times receives the sum of its k
// upstream slices (duplicates accumulate). Written with scatter_nd, a recorded engine op, so
// the second derivative works (it is zero). indices is an integer input: no gradient (R4).
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/nd_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& ps = in[0].spec.shape;
  const kernel::NdPlan p = kernel::plan_nd("gather_nd", ps, in[1].spec.shape);
  for (std::int64_t j = 0; j < p.count; ++j) {
    const S* src = in[0].data + kernel::nd_position("gather_nd", in[1].data, j, p, ps) * p.inner;
    for (std::int64_t i = 0; i < p.inner; ++i) out.data[j * p.inner + i] = src[i];
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("gather_nd", n, 2);
  kernel::expect_indices("gather_nd", in[1]);
  return {in[0].dtype, kernel::plan_nd("gather_nd", in[0].shape, in[1].shape).slices};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = scatter_nd(a.inputs[1], a.grad, a.inputs[0].shape().to_vector());
}

}  // namespace

// indices' domain: [0, 1], valid for every axis of size >= 2 (as gather's).
extern const OpDef op_gather_nd = OpRow("gather_nd", "shape").input(OpInput("params").dtypes(DTypes::any))
    .input(OpInput("indices").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({0, 1}))
    .result(ResultDType::of_input(0)).shape_rule("indices[:-1] + params[M:], M = indices' last dimension")
    .traits(Trait::shape)
    .math("y[b] = params[indices[b, 0], ..., indices[b, M-1]]; dparams = scatter_nd(g, indices) "
          "(duplicates accumulate)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor gather_nd(const Tensor& params, const Tensor& indices) { return apply_op(op_gather_nd, {params, indices}); }

}  // namespace tc
