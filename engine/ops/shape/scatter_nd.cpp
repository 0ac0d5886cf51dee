// scatter_nd(indices, updates; shape): tf.scatter_nd. Zeros of `shape`, then each row of
// indices [..., M] (i32, 1 ≤ M ≤ rank(shape)) names a slice out[i_0, ..., i_{M-1}, :, ...]
// that its slice of updates is added onto:
//   y[indices[b, 0], ..., indices[b, M-1], r] += updates[b, r],
// updates of shape indices[:-1] + shape[M:]. Duplicate rows accumulate (summed), as TF
// documents; an index outside its axis is a tc::Error naming it (TF raises on CPU).
// Linear in updates, so ∂L/∂updates = gather_nd(g, indices) — TF's _ScatterNdGrad
// (tensorflow/python/ops/array_grad.py): every row reads back the upstream at its slice, a
// duplicate row too (it contributed to that slice). Recorded, so the second derivative works
// (gather_nd's VJP is this op again). indices is an integer input: no gradient (R4).
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/nd_plan.hpp"
#include "engine/ops/shape/nd_sampling.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& os = out.spec.shape;
  const kernel::NdPlan p = kernel::plan_nd("scatter_nd", os, in[0].spec.shape);
  const std::int64_t n = os.numel();
  for (std::int64_t k = 0; k < n; ++k) out.data[k] = S(0);
  for (std::int64_t j = 0; j < p.count; ++j) {
    S* dst = out.data + kernel::nd_position("scatter_nd", in[0].data, j, p, os) * p.inner;
    const S* src = in[1].data + j * p.inner;
    for (std::int64_t i = 0; i < p.inner; ++i) dst[i] += src[i];
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("scatter_nd", n, 2);
  kernel::expect_indices("scatter_nd", in[0]);
  kernel::expect_floating("scatter_nd", in[1], 1);
  const Shape out(a.shape);
  const kernel::NdPlan p = kernel::plan_nd("scatter_nd", out, in[0].shape);
  if (p.slices != in[1].shape)
    throw ShapeError("scatter_nd: updates " + in[1].shape.str() + " do not fit indices " + in[0].shape.str() +
                     " into shape " + out.str() + " (expected updates " + p.slices.str() + ")");
  return {in[1].dtype, out};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) { g[1] = gather_nd(a.grad, a.inputs[0]); }

// Operands that fit (sample_shape): indices [K, M] (or one row [M]) with K ≤ 4 and M ≤ 2,
// updates their slices over 0-2 trailing axes; duplicate rows are common (indices in [0, 1]).
Shape sample_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  if (slot == 0) return kernel::sample_nd_indices_shape(2, 4, /*distinct_rows=*/false, draw);
  const Shape indices = n_earlier > 0 ? earlier[0].shape : Shape{1};
  return kernel::sample_nd_slices_shape(indices, max_elements, draw);
}

// The shape attribute that fits (sample_attrs): 2 or 3 along each indexed axis (so indices in
// [0, 1] are in range), then updates' slice axes.
OpAttrs sample_attrs(const TensorSpec* in, int n, Draw& draw) {
  OpAttrs a;
  if (n < 2 || in[0].shape.rank() < 1) return a;
  const Shape& indices = in[0].shape;
  for (std::int64_t m = 0; m < indices[indices.rank() - 1]; ++m) a.shape.push_back(draw.integer(2, 3));
  for (int d = indices.rank() - 1; d < in[1].shape.rank(); ++d) a.shape.push_back(in[1].shape[d]);
  return a;
}

}  // namespace

// indices' domain: [0, 1], in range for the shape attribute the row samples (≥ 2 per indexed axis).
extern const OpDef op_scatter_nd = OpRow("scatter_nd", "shape")
    .input(OpInput("indices").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({0, 1}))
    .input(OpInput("updates"))
    .result(ResultDType::of_input(1)).shape_rule("the shape attribute; updates: indices[:-1] + shape[M:]")
    .attrs(Attr::shape).traits(Trait::shape)
    .math("y = zeros(shape) with updates[b] added at indices[b] (duplicates accumulate); "
          "dupdates = gather_nd(g, indices)")
    .complex_step_ok()
    .sample_shape(&sample_shape).sample_attrs(&sample_attrs)
    .vjp_reads(1, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor scatter_nd(const Tensor& indices, const Tensor& updates, std::vector<std::int64_t> shape) {
  OpAttrs a;
  a.shape = std::move(shape);
  return apply_op(op_scatter_nd, {indices, updates}, std::move(a));
}

}  // namespace tc
