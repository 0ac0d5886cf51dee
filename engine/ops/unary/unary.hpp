// Element-wise functions of one floating tensor. One file per op: unary/<op>.cpp.
#pragma once
#include "engine/tensor.hpp"

namespace tc {
Tensor exp(const Tensor& x);
}  // namespace tc
