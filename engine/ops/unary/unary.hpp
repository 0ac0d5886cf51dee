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
Tensor asin(const Tensor& x);
Tensor acos(const Tensor& x);
Tensor sinh(const Tensor& x);
Tensor cosh(const Tensor& x);
Tensor asinh(const Tensor& x);
Tensor acosh(const Tensor& x);
Tensor atanh(const Tensor& x);
Tensor gelu(const Tensor& x);       // exact: x Phi(x) (tf.nn.gelu(approximate=False))
Tensor gelu_tanh(const Tensor& x);  // the tanh approximation (approximate=True)
Tensor selu(const Tensor& x);
Tensor silu(const Tensor& x);       // x sigmoid(x), swish
Tensor softsign(const Tensor& x);
Tensor log_sigmoid(const Tensor& x);
Tensor lgamma(const Tensor& x);
Tensor digamma(const Tensor& x);
Tensor polygamma(const Tensor& x, std::int64_t order);  // d^order/dx^order digamma(x)

inline Tensor operator-(const Tensor& x) { return neg(x); }
}  // namespace tc
