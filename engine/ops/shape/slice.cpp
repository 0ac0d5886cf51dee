// slice(x, begin, size): y[i] = x[begin + i] for 0 <= i < size per axis; size -1 means "to
// the end of the axis". begin and size list one entry per axis of x; 0 <= begin and
// begin + size <= dim (ShapeError naming x's shape otherwise).
// Linear: the VJP places g into zeros of x's shape at the sliced block — built as a concat of
// constant zero blocks around g, axis by axis, so it is recorded and second order works.
#include <string>

#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/shape.hpp"
#include "engine/ops/shape/strided.hpp"

namespace tc {
namespace {

std::string list_str(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// The resolved sizes (no -1); throws ShapeError for a begin/size that does not fit.
std::vector<std::int64_t> resolve(const OpAttrs& a, const Shape& s) {
  const auto r = static_cast<std::size_t>(s.rank());
  if (a.begin.size() != r || a.size.size() != r)
    throw ShapeError("slice: begin " + list_str(a.begin) + " and size " + list_str(a.size) +
                     " must each have one entry per axis of " + s.str());
  std::vector<std::int64_t> size(r);
  for (int d = 0; d < s.rank(); ++d) {
    const std::int64_t b = a.begin[d], z = a.size[d];
    size[d] = z == -1 ? s[d] - b : z;
    if (b < 0 || b > s[d] || z < -1 || b + size[d] > s[d])
      throw ShapeError("slice: begin " + list_str(a.begin) + " and size " + list_str(a.size) +
                       " do not fit in " + s.str() + " (axis " + std::to_string(d) + ")");
  }
  return size;
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& xs = in[0].spec.shape;
  const kernel::Strides st = kernel::row_major_strides(xs);
  std::int64_t base = 0;
  for (int d = 0; d < xs.rank(); ++d) base += a.begin[d] * st[d];
  kernel::for_each_strided(out.spec.shape, st, base,
                           [&](std::int64_t i, std::int64_t o) { out.data[i] = in[0].data[o]; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("slice", n, 1);
  return {in[0].dtype, Shape(resolve(a, in[0].shape))};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Shape& xs = a.inputs[0].shape();
  Tensor cur = a.grad;
  for (int d = 0; d < xs.rank(); ++d) {
    const std::int64_t before = a.attrs.begin[d], after = xs[d] - before - cur.shape()[d];
    if (before == 0 && after == 0) continue;
    std::vector<Tensor> parts;
    Shape block = cur.shape();
    if (before > 0) {
      block[d] = before;
      parts.push_back(Tensor::zeros(block, cur.dtype()));
    }
    parts.push_back(cur);
    if (after > 0) {
      block[d] = after;
      parts.push_back(Tensor::zeros(block, cur.dtype()));
    }
    cur = concat(parts, d);
  }
  g[0] = cur;
}

}  // namespace

extern const OpDef op_slice = layout_row("slice", "shape", "size (from begin)")
    .attrs(Attr::begin | Attr::size)
    .math("y = x[begin : begin + size]; dx = g placed into zeros of shape(x) at the block")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor slice(const Tensor& x, std::vector<std::int64_t> begin, std::vector<std::int64_t> size) {
  OpAttrs a;
  a.begin = std::move(begin);
  a.size = std::move(size);
  return apply_op(op_slice, {x}, std::move(a));
}

}  // namespace tc
