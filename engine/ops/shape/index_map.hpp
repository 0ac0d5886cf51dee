// VJP building blocks for ops whose result picks input elements by a map that is fixed at
// the point of evaluation (sort's permutation, max_pool's winners, reflect padding, a
// static boolean mask): the pick is a gather with constant indices on the flattened input,
// and its transpose a scatter_add. Both are engine ops, so the VJPs built from them are
// recorded and differentiate again (gather ↔ scatter_add); the map itself is piecewise
// constant, so — like relu's mask — it is not differentiated.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"

namespace tc {

// y.flat[k] = x.flat[index[k]], reshaped to `shape` (index.size() == shape.numel()).
Tensor take_flat(const Tensor& x, const std::vector<std::int64_t>& index, const Shape& shape);

// The transpose of take_flat: zeros of `shape` with g.flat[k] added at index[k] (repeated
// indices accumulate).
Tensor put_flat(const Tensor& g, const std::vector<std::int64_t>& index, const Shape& shape);

}  // namespace tc
