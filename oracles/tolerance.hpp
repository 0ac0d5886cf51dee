// The one tolerance model every numerical oracle uses (finite differences, complex step,
// forward mode). A comparison of the engine's number e with an oracle's reference r passes iff
//
//   |e - r| <= oracle + engine, where
//   oracle = kOracleSafety · F · (the oracle's own error estimate for r)
//   engine = kEngineSafety · F · max(u_e · (depth + kDepthOffset) · T,  R)
//
// u_e is the unit roundoff of the least precise floating dtype the engine computed in, depth
// the number of ops between the sources and the target, F the largest tolerance_factor of
// those ops (op table), T the magnitude of the terms behind e (never smaller than |e| or |r|;
// see each oracle for what it adds), and R the engine's rounding as OBSERVED on this graph by
// the Monte-Carlo rounding probe (objective.hpp, rounding_sensitivity): the a-priori term is
// linear in depth, but graphs that amplify perturbations (iterated maps, matmul chains) make
// the engine's rounding grow faster, and only a measurement sees that. The oracle's error
// estimate is its business (a Ridders tableau, a rounding bound): no oracle has a fixed
// relative tolerance. The reasoning is in docs/oracles.md, "Tolerance model".
#pragma once
#include <cstdint>
#include <vector>

#include "engine/core/dtype.hpp"

namespace tc::oracles {

inline constexpr double kOracleSafety = 8.0;
inline constexpr double kEngineSafety = 4.0;
inline constexpr int kDepthOffset = 4;

// 2^-24 for f32, 2^-53 for f64; 0 for non-floating dtypes (they carry no rounding).
double unit_roundoff(DType d);

// What the tolerance of one Gradient statement depends on, fixed before any entry is compared.
struct ToleranceContext {
  double engine_unit = 0x1p-53;  // unit roundoff of the least precise floating dtype in the graph
  double oracle_unit = 0x1p-53;  // the oracle's working precision (f64 unless the graph casts to f32)
  std::int64_t depth = 1;        // ops between the sources and the target (loop bodies weighted)
  double op_factor = 1.0;        // the largest OpDef::tolerance_factor among those ops
  // An absolute allowance for an engine with its own kernels (Rounding::own_kernels): a
  // cancellation of terms as large as the graph's values may leave their rounding, which the
  // terms behind a result (T) do not show. 0 for engines that run the table's kernels.
  double cancellation_floor = 0;
};

// One comparison's allowance, split by reason (findings report the total).
struct Tolerance {
  double oracle = 0;  // from the oracle's own error estimate
  double engine = 0;  // from the engine's rounding
  double total() const { return oracle + engine; }
};

// The rounding error a computation in precision `unit` commits on a quantity whose terms
// have magnitude `terms`: unit · (depth + kDepthOffset) · terms. First-order forward error
// analysis: each op adds at most one rounding relative to the terms flowing through it.
double rounding_bound(const ToleranceContext& c, double unit, double terms);

// The tolerance for one comparison: `oracle_error` is the oracle's error estimate for its
// reference value, `engine_terms` the magnitude T of the terms behind the engine's value,
// `observed_rounding` R the engine's rounding observed by the probe (absolute, 0 if none).
Tolerance tolerance(const ToleranceContext& c, double oracle_error, double engine_terms,
                    double observed_rounding = 0);

// The absolute part of every tolerance: what gradual underflow may cost a result whose terms
// fall below the engine dtype's smallest normal number (a tolerance of 0 there called the
// engine's -1.9e-320 against forward mode's -1.6e-319 a mismatch).
double underflow_floor(const ToleranceContext& c);

// |engine - reference| <= tol.total(); false if either is NaN or infinite.
bool within(double engine, double reference, const Tolerance& tol);

// |engine - reference| / |reference| (|engine - reference| when the reference is 0).
double relative_error(double engine, double reference);

// max(|x_i|, 1) over a point's elements: the scale steps and kink radii are relative to.
double point_scale(const std::vector<double>& x);

// The distance from a point (relative to max(|x|, 1)) inside which a kink may fall on either
// side in the engine's own rounding; no oracle compares a derivative taken that close to one.
double kink_radius(const ToleranceContext& c);

}  // namespace tc::oracles
