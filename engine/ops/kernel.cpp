#include "engine/ops/kernel.hpp"

#include <string>

namespace tc::kernel {

void expect_arity(const char* op, int n, int expected) {
  if (n != expected)
    throw ShapeError(std::string(op) + ": expects " + std::to_string(expected) +
                     " inputs, got " + std::to_string(n));
}

void expect_floating(const char* op, const TensorSpec& s, int input) {
  if (!is_floating(s.dtype))
    throw DTypeError(std::string(op) + ": input " + std::to_string(input) + " has dtype " +
                     std::string(dtype_name(s.dtype)) + ", expected f32 or f64");
}

void expect_same_dtype(const char* op, const TensorSpec* in, int a, int b) {
  if (in[a].dtype != in[b].dtype)
    throw DTypeError(std::string(op) + ": dtypes " + std::string(dtype_name(in[a].dtype)) + " and " +
                     std::string(dtype_name(in[b].dtype)) + " differ (no implicit promotion)");
}

void expect_same_floating(const char* op, const TensorSpec* in, int a, int b) {
  expect_floating(op, in[a], a);
  expect_floating(op, in[b], b);
  expect_same_dtype(op, in, a, b);
}

TensorSpec infer_unary_float(const char* op, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  return in[0];
}

TensorSpec infer_binary_same_dtype(const char* op, const TensorSpec* in, int n, DType out) {
  expect_arity(op, n, 2);
  expect_same_dtype(op, in, 0, 1);
  return {out, broadcast_shapes(in[0].shape, in[1].shape, op)};
}

TensorSpec infer_binary_float(const char* op, const TensorSpec* in, int n) {
  expect_arity(op, n, 2);
  expect_same_floating(op, in, 0, 1);
  return infer_binary_same_dtype(op, in, n, in[0].dtype);
}

}  // namespace tc::kernel
