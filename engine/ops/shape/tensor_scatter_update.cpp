// tensor_scatter_update(tensor, indices, updates): tf.tensor_scatter_nd_update. A copy of
// tensor whose slices named by the rows of indices [..., M] (i32) are overwritten:
//   y = tensor;  y[indices[b, 0], ..., indices[b, M-1], r] = updates[b, r]  for b in order,
// updates of shape indices[:-1] + tensor[M:]; an index outside its axis is a tc::Error.
// Gradient, TF's _TensorScatterUpdateGrad (tensorflow/python/ops/array_grad.py):
//   ∂L/∂tensor  = tensor_scatter_update(g, indices, zeros_like(updates)): g with the written
//                 slices zeroed (those elements no longer depend on tensor);
//   ∂L/∂updates = gather_nd(g, indices);
// both recorded engine ops, so the second derivative works (it is zero). indices: None (R4).
// Duplicate rows: TF documents the result as nondeterministic (GPU); its CPU kernel applies the
// rows in order (scatter_nd_op_cpu_impl.h), so the last write is kept, and so does this one.
// Its gradient is only right for the kept write: gather_nd hands g to every duplicate row,
// though an overwritten row's update no longer reaches y (true derivative 0), and torch's
// index_put (no accumulate) does the same. So rows with duplicates lie outside the op's domain:
// the row samples distinct rows (sample_input) and refuses others (accepts_operand), and the
// oracles, which check operands against the table, never judge the undefined case.
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/nd_plan.hpp"
#include "engine/ops/shape/nd_sampling.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

constexpr int kIndices = 1;

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& ts = in[0].spec.shape;
  const kernel::NdPlan p = kernel::plan_nd("tensor_scatter_update", ts, in[kIndices].spec.shape);
  const std::int64_t n = ts.numel();
  for (std::int64_t k = 0; k < n; ++k) out.data[k] = in[0].data[k];
  for (std::int64_t j = 0; j < p.count; ++j) {
    S* dst = out.data + kernel::nd_position("tensor_scatter_update", in[kIndices].data, j, p, ts) * p.inner;
    const S* src = in[2].data + j * p.inner;
    for (std::int64_t i = 0; i < p.inner; ++i) dst[i] = src[i];
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("tensor_scatter_update", n, 3);
  kernel::expect_same_floating("tensor_scatter_update", in, 0, 2);
  kernel::expect_indices("tensor_scatter_update", in[kIndices]);
  const kernel::NdPlan p = kernel::plan_nd("tensor_scatter_update", in[0].shape, in[kIndices].shape);
  if (p.slices != in[2].shape)
    throw ShapeError("tensor_scatter_update: updates " + in[2].shape.str() + " do not fit indices " +
                     in[kIndices].shape.str() + " into tensor " + in[0].shape.str() + " (expected updates " +
                     p.slices.str() + ")");
  return {in[0].dtype, in[0].shape};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& indices = a.inputs[kIndices];
  const Tensor& updates = a.inputs[2];
  g[0] = tensor_scatter_update(a.grad, indices, Tensor::zeros(updates.shape(), a.grad.dtype()));
  g[2] = gather_nd(a.grad, indices);
}

// Operands that fit (sample_shape): tensor of rank 1-3 with 2-3 elements along the axes rows
// may index (so indices in [0, 1] are in range); indices [K, M] with M ≤ min(rank, 2) and at
// most 2^M (and 3) rows, so that distinct rows exist; updates the rows' slices of tensor.
Shape sample_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  if (slot == 0) {
    std::vector<std::int64_t> dims;
    const std::int64_t rank = draw.integer(1, 3);
    for (std::int64_t d = 0; d < rank; ++d) dims.push_back(d < 2 ? draw.integer(2, 3) : draw.integer(1, 3));
    while (Shape(dims).numel() > max_elements && dims.size() > 1) dims.pop_back();
    return Shape(dims);
  }
  const Shape tensor = n_earlier > 0 ? earlier[0].shape : Shape{2};
  if (slot == kIndices) return kernel::sample_nd_indices_shape(std::min(tensor.rank(), 2), 3, true, draw);
  const Shape indices = n_earlier > kIndices ? earlier[kIndices].shape : Shape{1};
  try {
    return kernel::plan_nd("tensor_scatter_update", tensor, indices).slices;
  } catch (const Error&) {  // operands from elsewhere that do not fit: infer() will refuse them
    return indices;
  }
}

// Distinct rows for indices (the domain leaves duplicates out); the other operands uniform in [-2, 2].
std::vector<double> sample_input(int slot, const TensorSpec& spec, Draw& draw) {
  if (slot == kIndices) return kernel::sample_distinct_rows(spec.shape, draw);
  std::vector<double> v(static_cast<std::size_t>(spec.shape.numel()));
  for (double& x : v) x = draw.uniform(-2, 2);
  return v;
}

bool accepts_operand(int slot, const TensorSpec& spec, const double* values, double) {
  return slot != kIndices || kernel::rows_distinct(spec.shape, values);
}

}  // namespace

// indices' domain: [0, 1], in range along the axes of 2-3 elements the row samples; rows distinct.
extern const OpDef op_tensor_scatter_update = OpRow("tensor_scatter_update", "shape")
    .input(OpInput("tensor"))
    .input(OpInput("indices").dtypes(DTypes::integer).grad(InputGrad::integer_index).domain({0, 1}))
    .input(OpInput("updates").same_dtype_as(0))
    .result(ResultDType::of_input(0)).shape_rule("tensor's; updates: indices[:-1] + tensor[M:]")
    .traits(Trait::shape)
    .math("y = tensor with y[indices[b]] = updates[b]; dtensor = g with the written slices 0, "
          "dupdates = gather_nd(g, indices) (rows distinct: a duplicate's gradient is undefined)")
    .complex_step_ok()
    .sample_shape(&sample_shape).sample_input(&sample_input).accepts_operand(&accepts_operand)
    .vjp_reads(0, {reads::upstream})
    .vjp_reads(2, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor tensor_scatter_update(const Tensor& tensor, const Tensor& indices, const Tensor& updates) {
  return apply_op(op_tensor_scatter_update, {tensor, indices, updates});
}

}  // namespace tc
