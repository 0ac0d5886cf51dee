// Element-wise selection: where, clip_by_value. One file per op.
#pragma once
#include "engine/tensor.hpp"

namespace tc {
// cond ? a : b element-wise; cond (bool), a and b broadcast together.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// min(max(x, lo), hi) element-wise; lo <= hi.
Tensor clip_by_value(const Tensor& x, double lo, double hi);
}  // namespace tc
