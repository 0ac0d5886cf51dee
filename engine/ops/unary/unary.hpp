// Element-wise functions of one floating tensor. One file per op: unary/<op>.cpp.
#pragma once
#include "engine/tensor.hpp"

namespace tc {
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);

inline Tensor operator-(const Tensor& x) { return neg(x); }
}  // namespace tc
