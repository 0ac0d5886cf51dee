// Shared by reduce_max and reduce_min: which elements of each group are the extreme ones.
// Ties are split evenly (TF's _MinOrMaxGrad divides the gradient by the number of tied
// elements). To make forward mode and complex step realise the same derivative, the forward
// evaluates  y = x_first + Σ_tied (x_i - x_first) / k : on real numbers every term is 0, so
// the value is exact; on duals/complex numbers the tangent is the mean of the tied tangents.
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/tensor.hpp"

namespace tc::kernel {

// Branches side of a group (or window) whose extreme is tied between k >= 2 elements: -k.
// Not one mark for every tie: a step that moves several tied elements (one element of x read
// by several overlapping windows, a random direction) can end on a smaller tie on one side
// and a larger one on the other, and a mark that stays "tie" hides that kink from a difference
// stencil. For a small enough step the tied set can only shrink, so its size tells it apart.
constexpr std::int32_t tie_side(std::int64_t k) { return -static_cast<std::int32_t>(k); }

struct Extremes {
  std::vector<std::int64_t> first;  // per output slot: input index of the first extreme (-1: empty group)
  std::vector<std::int64_t> count;  // per output slot: how many elements tie for the extreme
  std::vector<std::int32_t> side;   // per output slot: group position of the winner, or tie_side(k)
  std::vector<char> selected;       // per input element: one of its slot's extremes
};

// Decided on the real parts `re` (row-major, shape `in`). A NaN in a group is its extreme.
Extremes find_extremes(const double* re, const Shape& in, const ReducePlan& p, bool take_max);

template <class S>
void extremum_forward(const char* op, bool take_max, const OpAttrs& a, const In<S>& x, const Out<S>& out,
                      Branches* branches) {
  const Shape& xs = x.spec.shape;
  const ReducePlan p = plan_reduce(op, xs, a.axes, a.keepdims);
  std::vector<double> re(static_cast<std::size_t>(xs.numel()));
  for (std::size_t i = 0; i < re.size(); ++i) re[i] = real_part(x.data[i]);
  const Extremes e = find_extremes(re.data(), xs, p, take_max);
  const std::int64_t m = out.spec.shape.numel();
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (std::int64_t o = 0; o < m; ++o)  // an empty group reduces to -inf (max) / +inf (min), as TF
    out.data[o] = e.first[o] < 0 ? S(take_max ? -inf : inf) : x.data[e.first[o]];
  for_each_reduced(xs, p, [&](std::int64_t i, std::int64_t o) {
    if (e.selected[i] && i != e.first[o])
      out.data[o] += (x.data[i] - x.data[e.first[o]]) / S(static_cast<double>(e.count[o]));
  });
  if (branches)
    for (std::int64_t o = 0; o < m; ++o) branches->add(e.side[o]);
}

// g broadcast back over the group, times 1/k on the k tied extremes and 0 elsewhere (a
// constant mask: zero, never None, for the elements that did not win).
Tensor extremum_vjp(const char* op, bool take_max, const VjpArgs& a);

}  // namespace tc::kernel
