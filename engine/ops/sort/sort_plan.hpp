// Shared by sort, argsort and top_k: the lanes along the sorted axis and the stable order of
// each lane, decided on real parts so that every scalar type sorts alike. The order is a
// total one: NaN sorts after every number (last ascending, first descending), and equal
// values keep their index order in both directions (ties: the lower index first, as TF's
// top_k; tf.sort and tf.argsort are built on top_k).
#pragma once
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/strided.hpp"

namespace tc::kernel {

struct LanePlan {
  int axis = 0;
  std::int64_t outer = 1, n = 1, inner = 1;
  std::int64_t at(std::int64_t o, std::int64_t k, std::int64_t i) const { return (o * n + k) * inner + i; }
};

inline LanePlan plan_lanes(const char* op, const Shape& s, std::int64_t axis) {
  if (s.rank() == 0 || axis < -s.rank() || axis >= s.rank())
    throw ShapeError(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for input of shape " +
                     s.str() + (s.rank() == 0 ? " (needs rank >= 1)" : ""));
  LanePlan p;
  p.axis = normalize_axis(axis, s.rank(), op);
  p.outer = dims_product(s, 0, p.axis);
  p.n = s[p.axis];
  p.inner = dims_product(s, p.axis + 1, s.rank());
  return p;
}

// The positions along the axis of lane (o, i), in sorted order.
template <class S>
std::vector<std::int64_t> lane_order(const S* x, const LanePlan& p, std::int64_t o, std::int64_t i, bool descending) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(p.n));
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](std::int64_t k) { return real_part(x[p.at(o, k, i)]); };
  // a before b: NaN after numbers (ascending) / before them (descending); stable otherwise.
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const double u = key(a), v = key(b);
    if (std::isnan(u) || std::isnan(v)) return descending ? (std::isnan(u) && !std::isnan(v)) : (!std::isnan(u) && std::isnan(v));
    return descending ? u > v : u < v;
  });
  return order;
}

// For every element of the result (the first `keep` positions of each sorted lane, the lanes
// in x's layout), the flat index of the x element it takes; `branches` gets each one's
// position along the axis, so crossing a tie changes the signature.
template <class S>
std::vector<std::int64_t> sorted_sources(const S* x, const LanePlan& p, bool descending, std::int64_t keep,
                                         Branches* branches) {
  std::vector<std::int64_t> src(static_cast<std::size_t>(p.outer * keep * p.inner));
  for (std::int64_t o = 0; o < p.outer; ++o)
    for (std::int64_t i = 0; i < p.inner; ++i) {
      const std::vector<std::int64_t> order = lane_order(x, p, o, i, descending);
      for (std::int64_t t = 0; t < keep; ++t)
        src[static_cast<std::size_t>((o * keep + t) * p.inner + i)] = p.at(o, order[static_cast<std::size_t>(t)], i);
    }
  if (branches)
    for (std::int64_t s : src) branches->add(static_cast<std::int32_t>((s / p.inner) % p.n));
  return src;
}

}  // namespace tc::kernel
