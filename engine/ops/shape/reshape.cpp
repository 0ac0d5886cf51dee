// reshape(x, shape): same elements, row-major, new shape (one dimension may be -1).
// VJP: reshape g back to x's shape.
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/reshape_like.hpp"

namespace tc {
namespace {

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("reshape", n, 1);
  std::vector<std::int64_t> dims = a.shape;
  std::int64_t known = 1;
  int infer_at = -1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1 && infer_at < 0) {
      infer_at = static_cast<int>(i);
    } else if (dims[i] < 0) {
      throw ShapeError("reshape: invalid target shape (only one -1 and no other negative sizes)");
    } else {
      known *= dims[i];
    }
  }
  const std::int64_t total = in[0].shape.numel();
  if (infer_at >= 0) {
    if (known == 0 || total % known != 0)
      throw ShapeError("reshape: cannot reshape " + in[0].shape.str() + " (" +
                       std::to_string(total) + " elements) with a -1 dimension into " +
                       Shape(std::vector<std::int64_t>(a.shape.size(), 1)).str());
    dims[static_cast<std::size_t>(infer_at)] = total / known;
  }
  const Shape out(dims);
  if (out.numel() != total)
    throw ShapeError("reshape: cannot reshape " + in[0].shape.str() + " into " + out.str() +
                     " (element counts differ)");
  return {in[0].dtype, out};
}

}  // namespace

extern const OpDef op_reshape = reshape_like_row("reshape", "the shape attribute (one -1 inferred)", &infer)
    .attrs(Attr::shape)
    .math("y = x viewed with a new shape; dx = reshape(g, shape(x))");

Tensor reshape(const Tensor& x, std::vector<std::int64_t> shape) {
  OpAttrs a;
  a.shape = std::move(shape);
  return apply_op(op_reshape, {x}, std::move(a));
}

}  // namespace tc
