// Losses of logits against labels, one value per example. One file per op: loss/<op>.cpp.
#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace tc {
// Element-wise: softplus(x) - x·z, evaluated stably (tf.nn.sigmoid_cross_entropy_with_logits).
Tensor sigmoid_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits);
// Along the last axis: -Σ z·log_softmax(x) (tf.nn.softmax_cross_entropy_with_logits).
Tensor softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits);
// Integer labels (i32, one per example): logsumexp(x) - x[label]
// (tf.nn.sparse_softmax_cross_entropy_with_logits).
Tensor sparse_softmax_cross_entropy_with_logits(const Tensor& labels, const Tensor& logits);
}  // namespace tc
