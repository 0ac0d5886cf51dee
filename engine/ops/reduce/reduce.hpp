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
// Population variance and standard deviation (divide by N); reduce_std's gradient is 0 on a
// constant group.
Tensor reduce_variance(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
Tensor reduce_std(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
// The p-norm (p = ord >= 1) of each group; gradient 0 where the norm is 0.
Tensor norm(const Tensor& x, double ord = 2, std::vector<std::int64_t> axes = {}, bool keepdims = false);
// Bool reductions (no gradient).
Tensor reduce_any(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
Tensor reduce_all(const Tensor& x, std::vector<std::int64_t> axes = {}, bool keepdims = false);
}  // namespace tc
