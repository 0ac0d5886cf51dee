// Neural-network ops along one axis. One file per op: nn/<op>.cpp.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
// `axis` may be negative (-1 = last, TF's default). Note that OpAttrs::axis defaults to 0:
// code building OpAttrs by hand must set it; the .tcg format and the graph IR always pass
// it explicitly.
Tensor softmax(const Tensor& x, std::int64_t axis = -1);
Tensor log_softmax(const Tensor& x, std::int64_t axis = -1);
// x standardised over `axes` (mean 0, variance σ²/(σ² + ε)); [] = the op's default axes:
// layer_norm the last axis, batch_norm every axis but the last (training-mode statistics).
Tensor layer_norm(const Tensor& x, std::vector<std::int64_t> axes = {}, double epsilon = 1e-3);
Tensor batch_norm(const Tensor& x, std::vector<std::int64_t> axes = {}, double epsilon = 1e-3);
// x·mask/(1 - rate) with a fixed 0/1 mask, one entry per element (row-major).
Tensor dropout(const Tensor& x, double rate, std::vector<std::int64_t> mask);
// [..., depth] with 1 at each index (i32), 0 elsewhere; no gradient.
Tensor one_hot(const Tensor& indices, std::int64_t depth, DType dtype = DType::f32);
}  // namespace tc
