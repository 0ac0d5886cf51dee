// roll(x; shift, axes): x's entries moved cyclically by shift[k] along axes[k] (tf.roll):
// y[i] = x[j] with j_d = (i_d - s_d) mod n_d, where s_d sums the shifts listed for axis d (an
// axis may be listed more than once, as in TF). Negative shifts roll toward the front.
// A permutation of x, so linear: the VJP rolls g back (the transpose of the copy,
// element_map.hpp). No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap roll_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("roll", n, 1);
  const Shape& x = in[0].shape;
  if (a.shift.size() != a.axes.size())
    throw ShapeError("roll: shift has " + std::to_string(a.shift.size()) + " entries, axes " +
                     std::to_string(a.axes.size()) + " (one shift per axis)");
  std::vector<std::int64_t> by(static_cast<std::size_t>(x.rank()), 0);
  for (std::size_t k = 0; k < a.axes.size(); ++k)
    by[static_cast<std::size_t>(normalize_axis(a.axes[k], x.rank(), "roll"))] += a.shift[k];
  return map_by_index(x, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    for (int d = 0; d < x.rank(); ++d) {
      const auto u = static_cast<std::size_t>(d);
      const std::int64_t m = (i[u] - by[u]) % x[d];
      j[u] = m < 0 ? m + x[d] : m;
    }
    return true;
  });
}

// A few distinct axes of x, each with a shift that may exceed the axis' length.
OpAttrs sample_attrs(const TensorSpec* in, int, Draw& draw) {
  OpAttrs a;
  const int r = in[0].shape.rank();
  for (int d = 0; d < r; ++d)
    if (draw.integer(0, 1)) {
      a.axes.push_back(draw.integer(0, 1) ? d : d - r);
      a.shift.push_back(draw.integer(-4, 4));
    }
  return a;
}

}  // namespace

extern const OpDef op_roll = element_map_rules<&roll_map>(
    layout_row("roll", "shape", "same").attrs(Attr::axes | Attr::shift)
        .math("y_i = x_{(i - shift) mod n} along each listed axis; dx = roll(g, -shift, axes)")
        .complex_step_ok().vjp_reads(0, {reads::upstream}).sample_attrs(&sample_attrs));

Tensor roll(const Tensor& x, std::vector<std::int64_t> shift, std::vector<std::int64_t> axes) {
  OpAttrs a;
  a.shift = std::move(shift);
  a.axes = std::move(axes);
  return apply_op(op_roll, {x}, std::move(a));
}

}  // namespace tc
