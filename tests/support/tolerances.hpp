// Tolerances of the hand-derived per-op tests, in one place. Expected values are exact
// math evaluated in double; the engine rounds every f32 result to float (≈6e-8 relative per
// op), so f32 cases allow 1e-5 relative. These are not the oracles' tolerance model
// (oracles/tolerance.hpp), which derives its bounds from finite-difference error estimates.
#pragma once
#include "engine/core/dtype.hpp"

namespace tc::test {

struct Tolerance {
  double rel, abs;
};
constexpr Tolerance kF64{1e-12, 1e-13};
constexpr Tolerance kF32{1e-5, 1e-6};
// Forward mode (dual numbers) and complex step against the tape's VJP: both are exact
// derivatives, so they agree to rounding of the accumulated sums.
constexpr Tolerance kDerivativeAgreement{1e-10, 1e-12};

constexpr Tolerance tolerance_for(DType d) { return d == DType::f32 ? kF32 : kF64; }

}  // namespace tc::test
