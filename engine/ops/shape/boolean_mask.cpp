// boolean_mask(x; mask, axis): the entries of x along `axis` whose mask entry is 1, in order
// (tf.boolean_mask(x, mask, axis) with a 1-d mask known when the graph is built: "static", so
// the result's shape follows from the attributes alone). mask has one 0/1 entry per element
// of the axis. y[i] = x[i with i_axis replaced by the i_axis-th kept position].
// Linear: the VJP scatters g back to the kept positions, zeros at the dropped ones (the
// transpose of the copy, element_map.hpp; TF's IndexedSlices into zeros). No kinks: the mask
// is a constant, not an input.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap boolean_mask_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("boolean_mask", n, 1);
  const Shape& x = in[0].shape;
  if (x.rank() == 0) throw ShapeError("boolean_mask: cannot mask a scalar (shape [])");
  const int axis = normalize_axis(a.axis, x.rank(), "boolean_mask");
  if (static_cast<std::int64_t>(a.mask.size()) != x[axis])
    throw ShapeError("boolean_mask: mask has " + std::to_string(a.mask.size()) + " entries for axis " +
                     std::to_string(a.axis) + " of shape " + x.str());
  std::vector<std::int64_t> kept;
  for (std::size_t k = 0; k < a.mask.size(); ++k) {
    if (a.mask[k] != 0 && a.mask[k] != 1)
      throw ShapeError("boolean_mask: mask entry " + std::to_string(k) + " is " + std::to_string(a.mask[k]) +
                       ", not 0 or 1");
    if (a.mask[k]) kept.push_back(static_cast<std::int64_t>(k));
  }
  Shape out = x;
  out[axis] = static_cast<std::int64_t>(kept.size());
  return map_by_index(out, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    j = i;
    j[static_cast<std::size_t>(axis)] = kept[static_cast<std::size_t>(i[static_cast<std::size_t>(axis)])];
    return true;
  });
}

// One 0/1 per element along the axis, at least one 1.
void fill_mask(OpAttrs& a, std::int64_t extent, Draw& draw) {
  for (std::int64_t k = 0; k < extent; ++k) a.mask.push_back(draw.integer(0, 1));
  if (!a.mask.empty()) a.mask[static_cast<std::size_t>(draw.integer(0, extent - 1))] = 1;
}

}  // namespace

extern const OpDef op_boolean_mask = element_map_rules<&boolean_mask_map>(
    layout_row("boolean_mask", "shape", "axis shortened to the mask's 1s").attrs(Attr::axis | Attr::mask)
        .math("y = the entries along axis whose mask is 1; dx = g at the kept positions, 0 elsewhere")
        .complex_step_ok().vjp_reads(0, {reads::upstream}).sample_attrs(&sample_along_axis<&fill_mask>));

Tensor boolean_mask(const Tensor& x, std::vector<std::int64_t> mask, std::int64_t axis) {
  OpAttrs a;
  a.mask = std::move(mask);
  a.axis = axis;
  return apply_op(op_boolean_mask, {x}, std::move(a));
}

}  // namespace tc
