// Helpers for VJPs of piecewise ops (relu, abs, max/min, clip, reduce_max, where ...).
//
// A mask is a piecewise-constant function of a value (relu's [x > 0], abs's sign(x)). Its
// derivative is zero almost everywhere, but it is not a constant: the gradient of a gradient
// that goes through a mask is zeros, not None (SEMANTICS R5 at every order; TF's ReluGradGrad
// returns zeros_like(x) likewise). So a mask is made by `op_piecewise_constant` (below), an op
// whose result is the mask's values and whose gradient with respect to the values it was
// computed from is zeros connected to them — recorded like any op when a tape tracks them.
#pragma once
#include <functional>

#include "engine/tensor.hpp"

namespace tc {

// The op behind masks. Not an op of the table (no graph names it; only VJPs make it):
//   piecewise_constant(m, x_1, ..., x_n) = m, a piecewise-constant function of x_1..x_n whose
//   values the caller computed; d/dx_k = 0, given as zeros connected to x_k (so at every order).
// Its result has m's dtype and shape; the x_k are any floating tensors.
extern const OpDef op_piecewise_constant;

// A tensor of x's shape and dtype with weight(x[i]) per element, connected to x with a zero
// derivative.
Tensor mask_like(const Tensor& x, const std::function<double(double)>& weight);

// The same for an element-wise weight of two broadcast operands, with the result's shape,
// connected to both.
Tensor mask_like2(const Tensor& a, const Tensor& b, const Shape& out,
                  const std::function<double(double, double)>& weight, DType dtype);

// `values` (a constant the caller computed from x) connected to x with a zero derivative.
Tensor piecewise_constant(const Tensor& values, const Tensor& x);

// The gradient of a function constant in x where it is differentiable (sign): zeros of x's
// shape and dtype, connected to x — not None (R5), at every order.
Tensor zero_gradient(const Tensor& x);

// A constant scalar of t's dtype (for 1 - y² and the like).
Tensor scalar_like(const Tensor& t, double v);

// A reduction's upstream gradient g, shaped to broadcast back over the reduction's input:
// `kept` is the input's shape with the reduced axes as 1. g itself when it already has that
// shape (keepdims) or is a rank-0 scalar (a full reduction: one element broadcasts from []
// as from [1, ..., 1]), so the backward pass of every loss reduced to a scalar runs no
// reshape; else g reshaped to `kept`.
Tensor upstream_with_kept_axes(const Tensor& g, const Shape& kept);

}  // namespace tc
