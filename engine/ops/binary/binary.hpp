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
Tensor atan2(const Tensor& y, const Tensor& x);      // the angle of (x, y)
Tensor hypot(const Tensor& a, const Tensor& b);      // gradient 0 at the origin
Tensor floor_mod(const Tensor& a, const Tensor& b);  // a - floor(a/b) b (tf.math.floormod)
Tensor xlogy(const Tensor& x, const Tensor& y);      // x ln y, 0 where x = 0
// The VJPs of tanh and sigmoid as one op each, from the saved output y and the upstream dy
// (TF's TanhGrad, SigmoidGrad): dy (1 - y²) and dy y (1 - y).
Tensor tanh_grad(const Tensor& y, const Tensor& dy);
Tensor sigmoid_grad(const Tensor& y, const Tensor& dy);
// x_1 + ... + x_n of one shape and dtype (TF's AddN; no broadcasting).
Tensor add_n(const Tensor* xs, int n);
inline Tensor add_n(const std::vector<Tensor>& xs) { return add_n(xs.data(), static_cast<int>(xs.size())); }

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }

// Sums a broadcast gradient back to `shape` (the input's shape): the step every broadcasting
// op's VJP needs, so a broadcast is never left unreduced.
Tensor unbroadcast(const Tensor& grad, const Shape& shape);
}  // namespace tc
