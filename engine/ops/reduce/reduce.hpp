// Reductions over `axes` (empty = all axes), optionally keeping reduced axes as size 1.
#pragma once
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
Tensor reduce_sum(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
}  // namespace tc
