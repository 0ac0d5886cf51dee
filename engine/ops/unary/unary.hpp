// Element-wise functions of one floating tensor. One file per op: unary/<op>.cpp.
#pragma once
#include "engine/tensor.hpp"

namespace tc {
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor square(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor tan(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor softplus(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double alpha = 0.2);  // tf.nn.leaky_relu's default
Tensor elu(const Tensor& x, double alpha = 1.0);         // tf.nn.elu is alpha = 1
Tensor abs(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor atan(const Tensor& x);

inline Tensor operator-(const Tensor& x) { return neg(x); }
}  // namespace tc
