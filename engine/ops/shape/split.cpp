// split(x; axis, num, index): the index-th of `num` equal parts of x along `axis`
// (tf.split(x, num, axis)[index]; an op has one result, so each part is its own statement):
// y = x[..., index·p : (index+1)·p, ...] with p = n_axis / num, which must divide evenly
// (TF raises otherwise). Linear: the VJP places g in its block of zeros (the transpose of the
// copy, element_map.hpp); the parts' gradients add up to TF's concat of them. No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap split_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("split", n, 1);
  const Shape& x = in[0].shape;
  if (x.rank() == 0) throw ShapeError("split: cannot split a scalar (shape [])");
  const int axis = normalize_axis(a.axis, x.rank(), "split");
  if (a.num < 1 || x[axis] % a.num != 0)
    throw ShapeError("split: axis " + std::to_string(a.axis) + " of shape " + x.str() + " does not split into " +
                     std::to_string(a.num) + " equal parts");
  if (a.index < 0 || a.index >= a.num)
    throw ShapeError("split: index " + std::to_string(a.index) + " is not one of the " + std::to_string(a.num) +
                     " parts");
  const std::int64_t part = x[axis] / a.num;
  Shape out = x;
  out[axis] = part;
  return map_by_index(out, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    j = i;
    j[static_cast<std::size_t>(axis)] += a.index * part;
    return true;
  });
}

// A number of parts that divides the axis, and one of them.
void fill_parts(OpAttrs& a, std::int64_t extent, Draw& draw) {
  std::vector<std::int64_t> divisors;
  for (std::int64_t k = 1; k <= extent; ++k)
    if (extent % k == 0) divisors.push_back(k);
  a.num = divisors.empty() ? 1 : divisors[static_cast<std::size_t>(draw.integer(0, static_cast<std::int64_t>(divisors.size()) - 1))];
  a.index = draw.integer(0, a.num - 1);
}

}  // namespace

extern const OpDef op_split = element_map_rules<&split_map>(
    layout_row("split", "shape", "axis divided by num").attrs(Attr::axis | Attr::num | Attr::index)
        .math("y = the index-th of num equal parts along axis; dx = g in its block, zeros elsewhere")
        .complex_step_ok().vjp_reads(0, {reads::upstream}).sample_attrs(&sample_along_axis<&fill_parts>));

Tensor split(const Tensor& x, std::int64_t num, std::int64_t index, std::int64_t axis) {
  OpAttrs a;
  a.num = num;
  a.index = index;
  a.axis = axis;
  return apply_op(op_split, {x}, std::move(a));
}

}  // namespace tc
