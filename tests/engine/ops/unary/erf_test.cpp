#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/scalar.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
const double kTwoOverSqrtPi = 2 / std::sqrt(std::acos(-1.0));
}

TEST(Erf, ValuesAndGradient) {
  // erf has no complex extension here (complex_step_ok = false): expect_ad checks forward
  // mode on dual numbers only.
  const std::vector<double> x{0, 0.5, -1, 2};
  std::vector<double> y, dy, d2y;
  for (double v : x) {
    y.push_back(std::erf(v));
    dy.push_back(kTwoOverSqrtPi * std::exp(-v * v));
    d2y.push_back(-2 * v * kTwoOverSqrtPi * std::exp(-v * v));
  }
  expect_ad({"erf", {vec64(x)}, {}, y, {{dy}}});
  expect_second_derivative("erf", x, d2y);
}

// No complex extension, but a real value evaluated on c128 (a constant's erf deciding a
// cond in the complex-step oracle) is the real erf; anything with an imaginary part is NaN.
TEST(Erf, NotComplexStepEligibleButRealOnComplexInputs) {
  EXPECT_FALSE(get_op("erf").complex_step_ok);
  EXPECT_EQ(erf(c128(0.5, 0.0)), c128(std::erf(0.5), 0.0));
  EXPECT_TRUE(std::isnan(erf(c128(0.5, 1e-20)).real()));
}

TEST(Erf, Errors) { expect_unary_errors("erf"); }

}  // namespace tc::test
