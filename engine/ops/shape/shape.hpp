// Ops that move or replicate elements without arithmetic. One file per op.
#pragma once
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
Tensor reshape(const Tensor& x, std::vector<std::int64_t> shape);      // one -1 allowed
Tensor broadcast_to(const Tensor& x, std::vector<std::int64_t> shape);
}  // namespace tc
