// Element-wise functions of two tensors with NumPy broadcasting. One file per op.
#pragma once
#include "engine/tensor.hpp"

namespace tc {
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);  // ties: gradient to a (TF)
Tensor minimum(const Tensor& a, const Tensor& b);  // ties: gradient to a (TF)
Tensor squared_difference(const Tensor& a, const Tensor& b);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }

// Sums a broadcast gradient back to `shape` (the input's shape): the step every broadcasting
// op's VJP needs, so a broadcast is never left unreduced.
Tensor unbroadcast(const Tensor& grad, const Shape& shape);
}  // namespace tc
