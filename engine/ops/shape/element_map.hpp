// The rules shared by ops whose result copies elements of their one operand by a map that
// the operand's shape and the attributes fix (reverse, roll, tile, pad, split, unstack,
// boolean_mask, diag, diag_part): y.flat[k] = x.flat[source[k]], or 0 where source[k] < 0
// (pad's border, diag's off-diagonal). Each op's file states its map and math; this header
// turns the map into the row's rules:
//   - forward: the copy, on every scalar type (linear, so complex step and dual numbers are
//     exact);
//   - infer: the map's shape, x's dtype (any dtype is moved as it is);
//   - vjp: the transpose of the copy, put_flat(g) at the sources (index_map.hpp): an element
//     read twice (tile, reflect padding) receives the sum of its upstream entries; the zero
//     positions receive nothing. Recorded, so second order works (gather ↔ scatter_add).
#pragma once
#include <cstdint>
#include <vector>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/index_map.hpp"

namespace tc {

struct ElementMap {
  Shape shape;                       // the result's
  std::vector<std::int64_t> source;  // one per result element: x's flat index, or -1 for 0
};

// The map of one op for its operands (one, of any dtype); throws ShapeError naming the op
// when there is not exactly one or the attributes do not fit its shape.
using ElementMapFn = ElementMap (*)(const OpAttrs&, const TensorSpec* in, int n);

template <ElementMapFn Map>
struct ElementMapRules {
  template <class S>
  static void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
    const ElementMap m = Map(a, &in[0].spec, 1);
    for (std::size_t k = 0; k < m.source.size(); ++k)
      out.data[k] = m.source[k] < 0 ? S(0) : in[0].data[m.source[k]];
  }

  static TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
    const ElementMap m = Map(a, in, n);
    check_element_cap(m.shape, "result");
    return {in[0].dtype, m.shape};
  }

  static void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
    const Shape& xs = a.inputs[0].shape();
    const ElementMap m = Map(a.attrs, &a.inputs[0].spec(), 1);
    std::vector<std::int64_t> kept, sources;  // result positions that copy, and what they copy
    for (std::size_t k = 0; k < m.source.size(); ++k)
      if (m.source[k] >= 0) {
        kept.push_back(static_cast<std::int64_t>(k));
        sources.push_back(m.source[k]);
      }
    const Tensor picked = kept.size() == m.source.size()
                              ? a.grad
                              : take_flat(a.grad, kept, Shape{static_cast<std::int64_t>(kept.size())});
    g[0] = put_flat(picked, sources, xs);
  }
};

// The row's rules for a map op: infer, the three forwards and the VJP.
template <ElementMapFn Map>
OpRow& element_map_rules(OpRow& row) {
  using R = ElementMapRules<Map>;
  return row.rules(&R::infer, TC_FORWARDS(R::template forward), &R::vjp);
}

// The attribute hook (OpDef::sample_attrs) of an op that works along one axis of its operand
// (split, unstack, boolean_mask): the axis drawn at random, spelled from the front or the back
// at random, then `Fill(a, extent, draw)` adds the attributes that depend on that axis'
// extent. A scalar operand keeps the defaults.
template <void (*Fill)(OpAttrs&, std::int64_t extent, Draw&)>
OpAttrs sample_along_axis(const TensorSpec* in, int, Draw& draw) {
  OpAttrs a;
  const Shape& x = in[0].shape;
  if (x.rank() == 0) return a;
  const int d = static_cast<int>(draw.integer(0, x.rank() - 1));
  a.axis = draw.integer(0, 1) ? d : d - x.rank();
  Fill(a, x[d], draw);
  return a;
}

// The map of a result of shape `out` whose element at multi-index i copies x's element at
// the multi-index `source(i, j)` writes into j (of x's rank), or is 0 where it returns false.
template <class Source>
ElementMap map_by_index(const Shape& out, const Shape& x, Source source) {
  ElementMap m{out, std::vector<std::int64_t>(static_cast<std::size_t>(out.numel()))};
  std::vector<std::int64_t> i(static_cast<std::size_t>(out.rank()), 0), j(static_cast<std::size_t>(x.rank()), 0);
  for (std::int64_t& src : m.source) {
    if (source(i, j)) {
      src = 0;
      for (int d = 0; d < x.rank(); ++d) src = src * x[d] + j[static_cast<std::size_t>(d)];
    } else {
      src = -1;
    }
    for (int d = out.rank() - 1; d >= 0; --d) {  // odometer increment
      if (++i[static_cast<std::size_t>(d)] < out[d]) break;
      i[static_cast<std::size_t>(d)] = 0;
    }
  }
  return m;
}

}  // namespace tc
