// concat(x_1, ..., x_n; axis): the inputs joined along `axis`; every other dimension and the
// dtype must agree (ShapeError / DTypeError naming both shapes otherwise).
// Linear: ∂y/∂x_k is the identity onto x_k's block, so the VJP of x_k is the slice of g at
// that block (recorded, so second order works: slice's VJP is itself a concat).
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"
#include "engine/ops/shape/strided.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int n, const Out<S>& out, Branches*) {
  const Shape& os = out.spec.shape;
  const int axis = normalize_axis(a.axis, os.rank(), "concat");
  const kernel::Strides st = kernel::row_major_strides(os);
  std::int64_t at = 0;  // where input k starts along `axis`
  for (int k = 0; k < n; ++k) {
    const S* src = in[k].data;
    kernel::for_each_strided(in[k].spec.shape, st, at * st[axis],
                             [&](std::int64_t i, std::int64_t o) { out.data[o] = src[i]; });
    at += in[k].spec.shape[axis];
  }
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  if (n < 1) throw ShapeError("concat: expects at least one input");
  const Shape& s0 = in[0].shape;
  if (s0.rank() == 0) throw ShapeError("concat: cannot concatenate scalars (shape [])");
  const int axis = normalize_axis(a.axis, s0.rank(), "concat");
  std::vector<std::int64_t> dims = s0.to_vector();
  dims[axis] = 0;
  for (int k = 0; k < n; ++k) {
    const Shape& s = in[k].shape;
    if (in[k].dtype != in[0].dtype)
      throw DTypeError("concat: input " + std::to_string(k) + " has dtype " +
                       std::string(dtype_name(in[k].dtype)) + ", input 0 has " +
                       std::string(dtype_name(in[0].dtype)));
    bool ok = s.rank() == s0.rank();
    for (int d = 0; ok && d < s.rank(); ++d) ok = d == axis || s[d] == s0[d];
    if (!ok)
      throw ShapeError("concat: shapes " + s0.str() + " and " + s.str() + " (inputs 0 and " +
                       std::to_string(k) + ") differ outside axis " + std::to_string(a.axis));
    dims[axis] += s[axis];
  }
  return {in[0].dtype, Shape(dims)};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const int rank = a.output.shape().rank();
  const int axis = normalize_axis(a.attrs.axis, rank, "concat");
  std::vector<std::int64_t> begin(static_cast<std::size_t>(rank), 0);
  for (int k = 0; k < a.n_inputs; ++k) {
    const Shape& s = a.inputs[k].shape();
    g[k] = slice(a.grad, begin, s.to_vector());
    begin[axis] += s[axis];
  }
}

}  // namespace

extern const OpDef op_concat = OpRow("concat", "shape").variadic(OpInput("x").dtypes(DTypes::any))
    .result(ResultDType::of_input(0)).shape_rule("the inputs joined along axis").attrs(Attr::axis)
    .traits(Trait::shape)
    .math("y = [x_1, ..., x_n] along axis; dx_k = the block of g at x_k's position")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor concat(const std::vector<Tensor>& xs, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_concat, xs.data(), static_cast<int>(xs.size()), a);
}

}  // namespace tc
