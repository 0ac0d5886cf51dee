// Linear algebra on the last two axes, batched over the leading ones. One file per op.
#pragma once
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
// a @ b for inputs of rank >= 2: [..., m, k] @ [..., k, n] -> [..., m, n]; the batch
// dimensions broadcast NumPy-style.
Tensor matmul(const Tensor& a, const Tensor& b);
// Permutes the axes: y.shape[i] = x.shape[perm[i]]; empty perm reverses the axes.
Tensor transpose(const Tensor& x, std::vector<std::int64_t> perm = {});
}  // namespace tc
