// expand_dims(x, axis): the same elements with a size-1 axis inserted at `axis`, which may be
// in [-rank-1, rank] (negative counts from the end of the result, as in TF).
// Linear: dy/dx is the identity on the elements; the VJP reshapes g back to x's shape.
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/reshape_like.hpp"

namespace tc {
namespace {

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("expand_dims", n, 1);
  const Shape& s = in[0].shape;
  if (s.rank() >= limits::kMaxRank)
    throw ShapeError("expand_dims: " + s.str() + " already has the maximum rank " +
                     std::to_string(limits::kMaxRank));
  const int axis = normalize_axis(a.axis, s.rank() + 1, "expand_dims");
  std::vector<std::int64_t> dims = s.to_vector();
  dims.insert(dims.begin() + axis, 1);
  return {in[0].dtype, Shape(dims)};
}

}  // namespace

extern const OpDef op_expand_dims = reshape_like_row("expand_dims", "a size-1 axis inserted at axis", &infer)
    .attrs(Attr::axis)
    .math("y = x with a size-1 axis inserted; dx = reshape(g, shape(x))");

Tensor expand_dims(const Tensor& x, std::int64_t axis) {
  OpAttrs a;
  a.axis = axis;
  return apply_op(op_expand_dims, {x}, std::move(a));
}

}  // namespace tc
