// Tensor element types. Only floating types carry gradients (SEMANTICS R3).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace tc {

enum class DType : std::uint8_t { f32, f64, i32, boolean };

constexpr bool is_floating(DType d) { return d == DType::f32 || d == DType::f64; }

constexpr std::string_view dtype_name(DType d) {
  switch (d) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::i32: return "i32";
    case DType::boolean: return "bool";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view s);

// Every tensor is stored as double (see docs/engine.md "storage"); a value of dtype d is
// rounded to d's value set after every op so that f32 arithmetic is correctly rounded f32.
double round_to_dtype(double v, DType d);

}  // namespace tc
