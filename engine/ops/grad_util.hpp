// Helpers for VJPs of piecewise ops (relu, abs, max/min, clip, reduce_max, where ...).
#pragma once
#include <functional>

#include "engine/tensor.hpp"

namespace tc {

// A constant (never recorded) tensor of x's shape and dtype with weight(x[i]) per element.
// Masks are piecewise constant, so their derivative is zero almost everywhere; keeping them
// off the tape means a second derivative through a mask alone is None. (TF's ReluGrad
// returns zeros there instead — documented in docs/engine.md.)
Tensor mask_like(const Tensor& x, const std::function<double(double)>& weight);

// The same for an element-wise weight of two broadcast operands, with the result's shape.
Tensor mask_like2(const Tensor& a, const Tensor& b, const Shape& out,
                  const std::function<double(double, double)>& weight, DType dtype);

// A constant scalar of t's dtype (for 1 - y² and the like).
Tensor scalar_like(const Tensor& t, double v);

}  // namespace tc
