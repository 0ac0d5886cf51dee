// unstack(x; axis, index): the index-th slice of x along `axis`, that axis removed
// (tf.unstack(x, axis=axis)[index]; each slice is its own statement): y[i] = x[i with `index`
// inserted at `axis`]. Linear: the VJP places g in its slice of zeros (the transpose of the
// copy, element_map.hpp; TF's stack of the slices' gradients). The inverse of stack. No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap unstack_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("unstack", n, 1);
  const Shape& x = in[0].shape;
  if (x.rank() == 0) throw ShapeError("unstack: cannot unstack a scalar (shape [])");
  const int axis = normalize_axis(a.axis, x.rank(), "unstack");
  if (a.index < 0 || a.index >= x[axis])
    throw ShapeError("unstack: index " + std::to_string(a.index) + " is out of range for axis " +
                     std::to_string(a.axis) + " of shape " + x.str());
  std::vector<std::int64_t> dims = x.to_vector();
  dims.erase(dims.begin() + axis);
  return map_by_index(Shape(dims), x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    for (int d = 0, k = 0; d < x.rank(); ++d)
      j[static_cast<std::size_t>(d)] = d == axis ? a.index : i[static_cast<std::size_t>(k++)];
    return true;
  });
}

// One of the slices along the axis.
void fill_index(OpAttrs& a, std::int64_t extent, Draw& draw) { a.index = draw.integer(0, std::max<std::int64_t>(extent - 1, 0)); }

}  // namespace

extern const OpDef op_unstack = element_map_rules<&unstack_map>(
    layout_row("unstack", "shape", "axis removed").attrs(Attr::axis | Attr::index)
        .math("y = x[..., index, ...] along axis; dx = g in its slice, zeros elsewhere")
        .complex_step_ok().vjp_reads(0, {reads::upstream}).sample_attrs(&sample_along_axis<&fill_index>));

Tensor unstack(const Tensor& x, std::int64_t index, std::int64_t axis) {
  OpAttrs a;
  a.index = index;
  a.axis = axis;
  return apply_op(op_unstack, {x}, std::move(a));
}

}  // namespace tc
