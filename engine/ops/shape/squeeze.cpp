// squeeze(x, axes): the same elements with the named size-1 axes removed (axes empty: every
// size-1 axis). Naming an axis whose size is not 1 is a ShapeError, as in TF.
// Linear: the VJP reshapes g back to x's shape.
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/reshape_like.hpp"

namespace tc {
namespace {

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("squeeze", n, 1);
  const Shape& s = in[0].shape;
  std::vector<bool> drop(static_cast<std::size_t>(s.rank()), false);
  if (a.axes.empty()) {
    for (int d = 0; d < s.rank(); ++d) drop[d] = s[d] == 1;
  } else {
    for (std::int64_t ax : a.axes) {
      const int d = normalize_axis(ax, s.rank(), "squeeze");
      if (s[d] != 1)
        throw ShapeError("squeeze: cannot squeeze axis " + std::to_string(ax) + " of " + s.str() +
                         ": its size is " + std::to_string(s[d]) + ", not 1");
      drop[d] = true;
    }
  }
  std::vector<std::int64_t> dims;
  for (int d = 0; d < s.rank(); ++d)
    if (!drop[d]) dims.push_back(s[d]);
  return {in[0].dtype, Shape(dims)};
}

}  // namespace

extern const OpDef op_squeeze = reshape_like_row("squeeze", "size-1 axes removed", &infer)
    .attrs(Attr::axes)
    .math("y = x without size-1 axes; dx = reshape(g, shape(x))");

Tensor squeeze(const Tensor& x, std::vector<std::int64_t> axes) {
  OpAttrs a;
  a.axes = std::move(axes);
  return apply_op(op_squeeze, {x}, std::move(a));
}

}  // namespace tc
