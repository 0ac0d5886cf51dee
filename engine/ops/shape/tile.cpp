// tile(x; multiples): x repeated multiples[d] times along each axis d (tf.tile): y has
// dims n_d·m_d and y[i] = x[j] with j_d = i_d mod n_d. A multiple of 0 gives an empty axis.
// Linear; each x element is read m_0·m_1·... times, so the VJP sums g over the copies (the
// transpose of the copy, element_map.hpp; TF's _TileGrad reshapes and reduce_sums). No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap tile_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("tile", n, 1);
  const Shape& x = in[0].shape;
  if (static_cast<int>(a.multiples.size()) != x.rank())
    throw ShapeError("tile: multiples has " + std::to_string(a.multiples.size()) +
                     " entries for input of shape " + x.str() + " (one per axis)");
  std::vector<std::int64_t> dims;
  for (int d = 0; d < x.rank(); ++d) {
    const std::int64_t m = a.multiples[static_cast<std::size_t>(d)];
    if (m < 0) throw ShapeError("tile: multiple " + std::to_string(m) + " is negative for axis " + std::to_string(d));
    if (m > limits::kMaxElements || x[d] * m > limits::kMaxElements)
      throw LimitError("tile: axis " + std::to_string(d) + " of " + x.str() + " times " + std::to_string(m) +
                       " exceeds the element cap");
    dims.push_back(x[d] * m);
  }
  const Shape out(dims);
  check_element_cap(out, "tile's result");
  return map_by_index(out, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    for (int d = 0; d < x.rank(); ++d) j[static_cast<std::size_t>(d)] = i[static_cast<std::size_t>(d)] % x[d];
    return true;
  });
}

// 1 to 3 copies along each axis, at most 3 axes beyond 1.
OpAttrs sample_attrs(const TensorSpec* in, int, Draw& draw) {
  OpAttrs a;
  for (int d = 0; d < in[0].shape.rank(); ++d) a.multiples.push_back(draw.integer(1, d < 3 ? 3 : 1));
  return a;
}

}  // namespace

extern const OpDef op_tile = element_map_rules<&tile_map>(
    layout_row("tile", "shape", "dims multiplied by multiples").attrs(Attr::multiples)
        .math("y_i = x_{i mod n} per axis; dx = g summed over the copies")
        .complex_step_ok().vjp_reads(0, {reads::upstream}).sample_attrs(&sample_attrs));

Tensor tile(const Tensor& x, std::vector<std::int64_t> multiples) {
  OpAttrs a;
  a.multiples = std::move(multiples);
  return apply_op(op_tile, {x}, std::move(a));
}

}  // namespace tc
