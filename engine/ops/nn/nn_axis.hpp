// Shared by softmax and log_softmax: the one-axis shape rule and the reduction plan over it.
#pragma once
#include <string>

#include "engine/ops/reduce/reduce_plan.hpp"

namespace tc::kernel {

// The op's axis attribute, normalised; ShapeError naming the op, the axis and the shape.
inline int softmax_axis(const char* op, std::int64_t axis, const Shape& s) {
  const int r = s.rank();
  if (r == 0 || axis < -r || axis >= r)
    throw ShapeError(std::string(op) + ": axis " + std::to_string(axis) +
                     " is out of range for input of shape " + s.str() +
                     (r == 0 ? " (needs rank >= 1)" : ""));
  return normalize_axis(axis, r, op);
}

// The groups of elements that share every index but `axis` (keepdims, so it broadcasts).
inline ReducePlan plan_axis(const char* op, std::int64_t axis, const Shape& s) {
  return plan_reduce(op, s, {softmax_axis(op, axis, s)}, /*keepdims=*/true);
}

inline TensorSpec infer_axis_float(const char* op, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  softmax_axis(op, a.axis, in[0].shape);
  return in[0];
}

}  // namespace tc::kernel
