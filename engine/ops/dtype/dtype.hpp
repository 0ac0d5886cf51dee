// Dtype conversion. One file per op: dtype/<op>.cpp.
#pragma once
#include "engine/tensor.hpp"

namespace tc {
// x converted to `dtype` (f32, f64, i32, bool), as tf.cast.
Tensor cast(const Tensor& x, DType dtype);
}  // namespace tc
