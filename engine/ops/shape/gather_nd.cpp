// gather_nd(params, indices): tf.gather_nd (batch_dims 0). indices [..., M] (i32) with
// 1 ≤ M ≤ rank(params) names M leading coordinates of params; each row of indices picks the
// slice params[i_0, ..., i_{M-1}, :, ...]:
//   y[b, r] = params[indices[b, 0], ..., indices[b, M-1], r],
// shape indices[:-1] + params[M:]. An index outside its axis is a tc::Error naming it (TF raises
// on CPU). ∂y/∂params is a 0/1 selection, so the VJP is its transpose, TF's GatherNdGrad
// (scatter_nd into zeros of params' shape): a slice picked k times receives the sum of its k
// upstream slices (duplicates accumulate). Written as scatter_add over params flattened to
// [Π params[:M], params[M:]...] at the rows' flat positions: recorded engine ops, so the second
// derivative works (it is zero). indices is an integer input: no gradient (R4).
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/gather_plan.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

struct Plan {
  int depth = 1;               // M
  std::int64_t count = 1;      // rows of indices: Π indices[:-1]
  std::int64_t inner = 1;      // Π params[M:]
  std::int64_t positions = 1;  // Π params[:M]
  Shape result;
};

Plan plan(const Shape& params, const Shape& indices) {
  if (indices.rank() < 1)
    throw ShapeError("gather_nd: indices of shape " + indices.str() + " need a last axis of coordinates");
  Plan p;
  const std::int64_t m = indices[indices.rank() - 1];
  if (m < 1 || m > params.rank())
    throw ShapeError("gather_nd: indices " + indices.str() + " name " + std::to_string(m) +
                     " coordinates of params " + params.str() + " (expected 1 to its rank)");
  p.depth = static_cast<int>(m);
  std::vector<std::int64_t> dims;
  for (int d = 0; d + 1 < indices.rank(); ++d) {
    p.count *= indices[d];
    dims.push_back(indices[d]);
  }
  for (int d = 0; d < params.rank(); ++d) {
    if (d < p.depth) p.positions *= params[d];
    else {
      p.inner *= params[d];
      dims.push_back(params[d]);
    }
  }
  if (static_cast<int>(dims.size()) > limits::kMaxRank)
    throw ShapeError("gather_nd: result of rank " + std::to_string(dims.size()) + " for params " + params.str() +
                     " and indices " + indices.str() + " exceeds the maximum rank " + std::to_string(limits::kMaxRank));
  p.result = Shape(dims);
  return p;
}

// The row-major position in params[:M] that row j of indices names; tc::Error if out of range.
template <class S>
std::int64_t position(const S* indices, std::int64_t j, const Plan& p, const Shape& params) {
  std::int64_t flat = 0;
  for (int m = 0; m < p.depth; ++m) {
    const double v = real_part(indices[j * p.depth + m]);
    if (v < 0 || v >= static_cast<double>(params[m]))
      throw Error("gather_nd: index " + std::to_string(static_cast<std::int64_t>(v)) + " (indices[" +
                  std::to_string(j) + ", " + std::to_string(m) + "]) is out of range [0, " + std::to_string(params[m]) +
                  ") for axis " + std::to_string(m) + " of " + params.str());
    flat = flat * params[m] + static_cast<std::int64_t>(v);
  }
  return flat;
}

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& ps = in[0].spec.shape;
  const Plan p = plan(ps, in[1].spec.shape);
  for (std::int64_t j = 0; j < p.count; ++j) {
    const S* src = in[0].data + position(in[1].data, j, p, ps) * p.inner;
    for (std::int64_t i = 0; i < p.inner; ++i) out.data[j * p.inner + i] = src[i];
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("gather_nd", n, 2);
  kernel::expect_indices("gather_nd", in[1]);
  return {in[0].dtype, plan(in[0].shape, in[1].shape).result};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Shape& ps = a.inputs[0].shape();
  const Plan p = plan(ps, a.inputs[1].shape());
  std::vector<double> rows(static_cast<std::size_t>(p.count));
  for (std::int64_t j = 0; j < p.count; ++j)
    rows[static_cast<std::size_t>(j)] = static_cast<double>(position(a.inputs[1].data(), j, p, ps));
  std::vector<std::int64_t> slices{p.count}, flat{p.positions};
  for (int d = p.depth; d < ps.rank(); ++d) {
    slices.push_back(ps[d]);
    flat.push_back(ps[d]);
  }
  const Tensor at = Tensor::constant(std::move(rows), Shape{p.count}, DType::i32);
  g[0] = reshape(scatter_add(reshape(a.grad, slices), at, 0, flat), ps.to_vector());
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
