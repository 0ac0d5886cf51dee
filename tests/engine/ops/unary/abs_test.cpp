#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Abs, ValuesAndGradient) {
  expect_ad({"abs", {t64({-2, 3, -0.5, 1.5}, {2, 2})}, {}, {2, 3, 0.5, 1.5}, {{{-1, 1, -1, 1}}}});
}

TEST(Abs, KinkAtZeroHasZeroGradientNotNone) {
  // abs'(0) = 0 (TF: g · sign(x)); dual numbers and complex step see the same zero.
  expect_ad({"abs", {vec64({0, -0.0})}, {}, {0, 0}, {{{0, 0}}}});
}

TEST(Abs, NegativeZeroAndNaN) {
  const Tensor y = abs(vec64({-0.0, NAN}));
  EXPECT_FALSE(std::signbit(y[0]));
  EXPECT_TRUE(std::isnan(y[1]));
}

TEST(Abs, RecordsTheSideOfEveryElement) {
  EXPECT_EQ(branch_sides("abs", {-1, 0, 2}), (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(Abs, SecondDerivativeThroughTheSignMaskIsZeros) {
  // sign(x) is a piecewise-constant function of x: zeros, not None (R5 at every order).
  expect_second_derivative("abs", {-1, 2}, std::vector<double>{0, 0});
}

TEST(Abs, Errors) { expect_unary_errors("abs"); }

}  // namespace tc::test
