// reverse(x; axes): x with the order of its entries along every listed axis reversed
// (tf.reverse): y[i] = x[j] with j_d = n_d - 1 - i_d on the listed axes, j_d = i_d elsewhere.
// An empty list leaves x as it is; an axis listed twice is a ShapeError (TF: "dimension
// specified more than once"). A permutation of x, so linear: the VJP reverses g the same way
// (the transpose of the copy, element_map.hpp). No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap reverse_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("reverse", n, 1);
  const Shape& x = in[0].shape;
  std::vector<bool> flip(static_cast<std::size_t>(x.rank()), false);
  for (std::int64_t axis : a.axes) {
    const int d = normalize_axis(axis, x.rank(), "reverse");
    if (flip[static_cast<std::size_t>(d)])
      throw ShapeError("reverse: axis " + std::to_string(axis) + " is listed twice for input of shape " + x.str());
    flip[static_cast<std::size_t>(d)] = true;
  }
  return map_by_index(x, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    for (int d = 0; d < x.rank(); ++d) {
      const auto u = static_cast<std::size_t>(d);
      j[u] = flip[u] ? x[d] - 1 - i[u] : i[u];
    }
    return true;
  });
}

}  // namespace

extern const OpDef op_reverse = element_map_rules<&reverse_map>(
    layout_row("reverse", "shape", "same").attrs(Attr::axes)
        .math("y = x with the listed axes reversed; dx = reverse(g, axes)")
        .complex_step_ok().vjp_reads(0, {reads::upstream}));

Tensor reverse(const Tensor& x, std::vector<std::int64_t> axes) {
  OpAttrs a;
  a.axes = std::move(axes);
  return apply_op(op_reverse, {x}, std::move(a));
}

}  // namespace tc
