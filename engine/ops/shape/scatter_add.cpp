// scatter_add(updates, indices; axis, shape): zeros of `shape`, then
// y[o, indices[j], i] += updates[o, j, i] (o over shape[:axis], j over the elements of
// indices, i over shape[axis+1:]); duplicate indices accumulate. updates must have shape
// shape[:axis] + indices + shape[axis+1:]. The transpose of gather (gather's VJP).
// Linear in updates: the VJP is gather(g, indices) (recorded, so gather's second derivative
// works). indices is an integer input: no gradient; out of range is a tc::Error.
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/gather_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& os = out.spec.shape;
  const auto p = kernel::plan_gather("scatter_add", os, a.axis, in[1].spec.shape);
  const std::int64_t n = os.numel();
  for (std::int64_t k = 0; k < n; ++k) out.data[k] = S(0);
  for (std::int64_t j = 0; j < p.count; ++j) {
    const std::int64_t idx = kernel::checked_index("scatter_add", in[1].data[j], j, p, os);
    for (std::int64_t o = 0; o < p.outer; ++o) {
      const S* src = in[0].data + (o * p.count + j) * p.inner;
      S* dst = out.data + (o * p.dim + idx) * p.inner;
      for (std::int64_t i = 0; i < p.inner; ++i) dst[i] += src[i];
    }
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("scatter_add", n, 2);
  kernel::expect_floating("scatter_add", in[0], 0);
  kernel::expect_indices("scatter_add", in[1]);
  const Shape out(a.shape);
  const auto p = kernel::plan_gather("scatter_add", out, a.axis, in[1].shape);
  if (p.gathered != in[0].shape)
    throw ShapeError("scatter_add: updates " + in[0].shape.str() + " do not match result " +
                     out.str() + " with indices " + in[1].shape.str() + " on axis " +
                     std::to_string(a.axis) + " (expected updates " + p.gathered.str() + ")");
  return {in[0].dtype, out};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = gather(a.grad, a.inputs[1], a.attrs.axis);
}

}  // namespace

extern const OpDef op_scatter_add = OpRow("scatter_add", "shape").input(OpInput("updates"))
    .input(OpInput("indices").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({0, 1}))
    .result(ResultDType::of_input(0)).shape_rule("the shape attribute").attrs(Attr::axis | Attr::shape)
    .traits(Trait::shape)
    .math("y = zeros(shape) with updates added at indices along axis; dupdates = gather(g, indices)")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor scatter_add(const Tensor& updates, const Tensor& indices, std::int64_t axis,
                   std::vector<std::int64_t> shape) {
  OpAttrs a;
  a.axis = axis;
  a.shape = std::move(shape);
  return apply_op(op_scatter_add, {updates, indices}, std::move(a));
}

}  // namespace tc
