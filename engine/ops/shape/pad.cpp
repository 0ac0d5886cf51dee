// pad(x; paddings, mode): x extended by paddings[2d] entries before and paddings[2d+1] after
// along each axis d (tf.pad). mode "constant" fills them with 0; mode "reflect" mirrors x
// about its first and last entry without repeating them (tf.pad(mode="REFLECT"): [1,2,3]
// padded by 2 each side is [3,2,1,2,3,2,1]), which needs paddings ≤ n_d - 1 (TF's bound).
//   y[i] = x[j], j_d = r(i_d - before_d) with r(t) = -t for t < 0, 2(n-1) - t for t ≥ n;
//   "constant": y[i] = 0 where some i_d - before_d falls outside [0, n_d).
// Linear: the VJP is the transpose of the copy (element_map.hpp): the border contributes
// nothing (constant) or its entries add onto the mirrored ones (reflect, as TF's
// MirrorPadGrad). No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/shape/element_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

ElementMap pad_map(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("pad", n, 1);
  const Shape& x = in[0].shape;
  const bool reflect = a.mode == "reflect";
  if (!reflect && a.mode != "constant")
    throw ShapeError("pad: mode \"" + a.mode + "\" is neither \"constant\" nor \"reflect\"");
  if (static_cast<int>(a.paddings.size()) != 2 * x.rank())
    throw ShapeError("pad: paddings has " + std::to_string(a.paddings.size()) + " entries for input of shape " +
                     x.str() + " (two per axis: before, after)");
  std::vector<std::int64_t> dims;
  for (int d = 0; d < x.rank(); ++d) {
    const std::int64_t before = a.paddings[static_cast<std::size_t>(2 * d)];
    const std::int64_t after = a.paddings[static_cast<std::size_t>(2 * d + 1)];
    if (before < 0 || after < 0 || before > limits::kMaxElements || after > limits::kMaxElements)
      throw ShapeError("pad: paddings " + std::to_string(before) + ", " + std::to_string(after) + " of axis " +
                       std::to_string(d) + " must be in [0, 2^24]");
    if (reflect && (before > x[d] - 1 || after > x[d] - 1))
      throw ShapeError("pad: reflect paddings " + std::to_string(before) + ", " + std::to_string(after) +
                       " of axis " + std::to_string(d) + " exceed its size - 1 (shape " + x.str() + ")");
    dims.push_back(x[d] + before + after);
  }
  const Shape out(dims);
  check_element_cap(out, "pad's result");
  return map_by_index(out, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    for (int d = 0; d < x.rank(); ++d) {
      const auto u = static_cast<std::size_t>(d);
      std::int64_t t = i[u] - a.paddings[2 * u];
      if (t < 0 || t >= x[d]) {
        if (!reflect) return false;
        t = t < 0 ? -t : 2 * (x[d] - 1) - t;
      }
      j[u] = t;
    }
    return true;
  });
}

// Either mode; paddings of 0 to 2 per side, reflect ones capped at the axis' size - 1.
OpAttrs sample_attrs(const TensorSpec* in, int, Draw& draw) {
  OpAttrs a;
  a.mode = draw.integer(0, 1) ? "reflect" : "constant";
  for (int d = 0; d < in[0].shape.rank(); ++d) {
    const std::int64_t most = a.mode == "reflect" ? std::min<std::int64_t>(2, in[0].shape[d] - 1) : 2;
    a.paddings.push_back(draw.integer(0, std::max<std::int64_t>(most, 0)));
    a.paddings.push_back(draw.integer(0, std::max<std::int64_t>(most, 0)));
  }
  return a;
}

}  // namespace

extern const OpDef op_pad = element_map_rules<&pad_map>(
    layout_row("pad", "shape", "dims grown by paddings before and after").attrs(Attr::paddings | Attr::mode)
        .math("y = x padded with zeros (constant) or mirror images (reflect); dx = g's interior, "
              "plus the mirrored border entries (reflect)")
        .complex_step_ok().vjp_reads(0, {reads::upstream}).sample_attrs(&sample_attrs));

Tensor pad(const Tensor& x, std::vector<std::int64_t> paddings, std::string mode) {
  OpAttrs a;
  a.paddings = std::move(paddings);
  a.mode = std::move(mode);
  return apply_op(op_pad, {x}, std::move(a));
}

}  // namespace tc
