// Reductions over `axes` (empty = all axes), optionally keeping reduced axes as size 1.
// One file per op: reduce/<op>.cpp.
#pragma once
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
Tensor reduce_sum(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
Tensor reduce_mean(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
// Ties for the extreme split the gradient evenly among the tied elements (TF).
Tensor reduce_max(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
Tensor reduce_min(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
Tensor reduce_prod(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
Tensor logsumexp(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
}  // namespace tc
