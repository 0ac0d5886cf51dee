// Ordering along one axis: sorted values, the k largest, the sorting permutation
// (tf.sort, tf.math.top_k, tf.argsort). One file per op: sort/<op>.cpp.
#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace tc {
// x sorted along `axis` (ascending unless `descending`); ties keep their order (stable).
Tensor sort(const Tensor& x, std::int64_t axis = -1, bool descending = false);
// The indices (i32) that sort x along `axis`: sort(x) = x gathered at argsort(x). No gradient.
Tensor argsort(const Tensor& x, std::int64_t axis = -1, bool descending = false);
// The k largest entries of each row (last axis), largest first; ties: the lower index first.
Tensor top_k(const Tensor& x, std::int64_t k);
}  // namespace tc
