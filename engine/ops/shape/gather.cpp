// gather(params, indices; axis): y[o, j, i] = params[o, indices[j], i], where o runs over
// params[:axis], j over the elements of indices (any shape, dtype i32) and i over
// params[axis+1:]. Result shape params[:axis] + indices + params[axis+1:].
// An index outside [0, params.shape[axis]) is a tc::Error naming the index and the bound.
// ∂y/∂params is a 0/1 selection, so the VJP is its transpose: scatter_add(g, indices) into
// zeros of params' shape — a params row picked k times receives the sum of its k upstream
// slices (duplicates accumulate). indices is an integer input: no gradient (R4).
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/gather_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& ps = in[0].spec.shape;
  const auto p = kernel::plan_gather("gather", ps, a.axis, in[1].spec.shape);
  for (std::int64_t j = 0; j < p.count; ++j) {
    const std::int64_t idx = kernel::checked_index("gather", in[1].data[j], j, p, ps);
    for (std::int64_t o = 0; o < p.outer; ++o) {
      const S* src = in[0].data + (o * p.dim + idx) * p.inner;
      S* dst = out.data + (o * p.count + j) * p.inner;
      for (std::int64_t i = 0; i < p.inner; ++i) dst[i] = src[i];
    }
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("gather", n, 2);
  kernel::expect_indices("gather", in[1]);
  return {in[0].dtype, kernel::plan_gather("gather", in[0].shape, a.axis, in[1].shape).gathered};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = scatter_add(a.grad, a.inputs[1], a.attrs.axis, a.inputs[0].shape().to_vector());
}

}  // namespace

// indices' domain: generators must draw indices in [0, params.shape[axis]); [0, 1] is the
// range valid for every axis of size >= 2.
extern const OpDef op_gather = OpRow("gather", "shape").input(OpInput("params").dtypes(DTypes::any))
    .input(OpInput("indices").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({0, 1}))
    .result(ResultDType::of_input(0)).shape_rule("params' axis replaced by indices' shape")
    .attrs(Attr::axis).traits(Trait::shape)
    .math("y = params[..., indices, ...]; dparams = scatter_add(g, indices) (duplicates accumulate)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor gather(const Tensor& params, const Tensor& indices, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_gather, {params, indices}, std::move(a));
}

}  // namespace tc
