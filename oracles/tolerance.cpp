#include "oracles/tolerance.hpp"

#include <algorithm>
#include <cmath>

namespace tc::oracles {

double unit_roundoff(DType d) {
  switch (d) {
    case DType::f32: return 0x1p-24;
    case DType::f64: return 0x1p-53;
    default: return 0.0;
  }
}

double rounding_bound(const ToleranceContext& c, double unit, double terms) {
  return unit * static_cast<double>(c.depth + kDepthOffset) * std::abs(terms);
}

Tolerance tolerance(const ToleranceContext& c, double oracle_error, double engine_terms,
                    double observed_rounding) {
  const double f = std::max(c.op_factor, 1.0);
  Tolerance t;
  t.oracle = kOracleSafety * f * std::abs(oracle_error);
  t.engine = kEngineSafety * f *
             std::max(rounding_bound(c, c.engine_unit, engine_terms), std::abs(observed_rounding));
  t.engine += underflow_floor(c) + kEngineSafety * f * c.cancellation_floor;
  return t;
}

double underflow_floor(const ToleranceContext& c) {
  // Below the smallest normal number a value keeps fewer significant bits the smaller it gets
  // (gradual underflow): exp(-739) in f64 has 11 of its 53, and a product of such values can
  // be off by far more than any relative rounding allows. Results down there are zero to the
  // engine's precision: each op may lose up to the smallest normal number, amplified by the
  // O(1) factors that follow (2^10 of them covers a gradient's chain of multiplications).
  const double min_normal = c.engine_unit >= 0x1p-24 ? 0x1p-126 : 0x1p-1022;
  return min_normal * 0x1p10 * static_cast<double>(c.depth + kDepthOffset);
}

bool within(double engine, double reference, const Tolerance& tol) {
  if (!std::isfinite(engine) || !std::isfinite(reference)) return false;
  return std::abs(engine - reference) <= tol.total();
}

double relative_error(double engine, double reference) {
  const double d = std::abs(engine - reference);
  return reference == 0 ? d : d / std::abs(reference);
}

double kink_radius(const ToleranceContext& c) {
  // 16 times the engine's rounding of a value of magnitude 1 after `depth` ops, and never
  // below 1000 ulp of f64 (another engine's kernels may round differently from ours).
  return std::max(1e3 * 0x1p-53, 16.0 * rounding_bound(c, c.engine_unit, 1.0));
}

double point_scale(const std::vector<double>& x) {
  double m = 1.0;
  for (double v : x) m = std::max(m, std::abs(v));
  return m;
}

}  // namespace tc::oracles
