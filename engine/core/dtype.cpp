#include "engine/core/dtype.hpp"

#include <cmath>

namespace tc {

std::optional<DType> parse_dtype(std::string_view s) {
  if (s == "f32") return DType::f32;
  if (s == "f64") return DType::f64;
  if (s == "i32") return DType::i32;
  if (s == "bool") return DType::boolean;
  return std::nullopt;
}

double round_to_dtype(double v, DType d) {
  switch (d) {
    case DType::f32: return static_cast<double>(static_cast<float>(v));
    case DType::f64: return v;
    case DType::i32: {
      // Casting follows C truncation toward zero; values outside i32 saturate (no UB).
      if (std::isnan(v)) return 0.0;
      const double t = std::trunc(v);
      if (t > 2147483647.0) return 2147483647.0;
      if (t < -2147483648.0) return -2147483648.0;
      return t;
    }
    case DType::boolean: return v != 0.0 ? 1.0 : 0.0;
  }
  return v;
}

}  // namespace tc
