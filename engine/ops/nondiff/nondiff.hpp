// Ops through which no gradient flows (SEMANTICS R4): rounding, argmax/argmin, comparisons,
// logical ops and stop_gradient. Every input has GradClass::none and the rows have no VJP;
// a tape gives None (not zeros) through them. One file per op: nondiff/<op>.cpp.
#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace tc {
// Floating -> same dtype, integer-valued.
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor round(const Tensor& x);  // half to even, as TF
// floor(a/b) for floats or i32 of one dtype, broadcast (tf.math.floordiv).
Tensor floor_div(const Tensor& a, const Tensor& b);

// Index of the largest / smallest element along `axis` (ties: the first), as i32.
Tensor argmax(const Tensor& x, std::int64_t axis = 0);
Tensor argmin(const Tensor& x, std::int64_t axis = 0);

// Element-wise comparisons of two tensors of one dtype, broadcast; bool result.
Tensor less(const Tensor& a, const Tensor& b);
Tensor less_equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor greater_equal(const Tensor& a, const Tensor& b);
Tensor equal(const Tensor& a, const Tensor& b);
Tensor not_equal(const Tensor& a, const Tensor& b);

// Bool inputs only.
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& x);

// The identity whose gradient is None (the explanation names it: CutRule::stop_gradient).
Tensor stop_gradient(const Tensor& x);

// The value taken out of the graph and back in (x.numpy(), then a constant): a new constant
// with no history, so the explanation says "no path", not a cut (OpDef::leaves_graph).
Tensor host_round_trip(const Tensor& x);
}  // namespace tc
