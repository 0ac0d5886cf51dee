#include "engine/ops/kernel.hpp"

#include <string>

namespace tc::kernel::detail {

void throw_arity(const char* op, int n, int expected) {
  throw ShapeError(std::string(op) + ": expects " + std::to_string(expected) + " inputs, got " +
                   std::to_string(n));
}

void throw_not_floating(const char* op, const TensorSpec& s, int input) {
  throw DTypeError(std::string(op) + ": input " + std::to_string(input) + " has dtype " +
                   std::string(dtype_name(s.dtype)) + ", expected f32 or f64");
}

void throw_dtypes_differ(const char* op, const TensorSpec* in, int a, int b) {
  throw DTypeError(std::string(op) + ": dtypes " + std::string(dtype_name(in[a].dtype)) + " and " +
                   std::string(dtype_name(in[b].dtype)) + " differ (no implicit promotion)");
}

}  // namespace tc::kernel::detail
