// Running sums and products along one axis (tf.math.cumsum, tf.math.cumprod). One file per
// op: cumulative/<op>.cpp.
#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace tc {
// y_i = Σ_{k ≤ i} x_k along `axis`; `exclusive` leaves x_i out (k < i), `reverse` runs from
// the end (k ≥ i, or k > i).
Tensor cumsum(const Tensor& x, std::int64_t axis, bool exclusive = false, bool reverse = false);
// The same with products; the empty product (exclusive, first element) is 1.
Tensor cumprod(const Tensor& x, std::int64_t axis, bool exclusive = false, bool reverse = false);
}  // namespace tc
