// squeeze(x, axes): the same elements with the named size-1 axes removed (axes empty: every
// size-1 axis). Naming an axis whose size is not 1 is a ShapeError, as in TF.
// Linear: the VJP reshapes g back to x's shape.
#include <algorithm>

#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  std::copy(in[0].data, in[0].data + out.spec.shape.numel(), out.data);
}

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

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = reshape(a.grad, a.inputs[0].shape().to_vector());
}

}  // namespace

extern const OpDef op_squeeze = layout_row("squeeze", "shape", "size-1 axes removed")
    .attrs(Attr::axes)
    .math("y = x without size-1 axes; dx = reshape(g, shape(x))")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor squeeze(const Tensor& x, std::vector<std::int64_t> axes) {
  OpAttrs a;
  a.axes = std::move(axes);
  return apply_op(op_squeeze, {x}, std::move(a));
}

}  // namespace tc
