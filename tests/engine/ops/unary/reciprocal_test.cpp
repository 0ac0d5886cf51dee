#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Reciprocal, ValuesAndGradient) {
  const std::vector<double> x{-2, 0.5, 4, 3};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(1 / v);
    dy.push_back(-1 / (v * v));
  }
  expect_ad({"reciprocal", {vec64(x)}, {}, y, {{dy}}});
}

TEST(Reciprocal, SecondDerivative) {
  // d²/dx² 1/x = 2/x³
  expect_second_derivative("reciprocal", {-2, 0.5, 4},
                           std::vector<double>{2 / -8.0, 2 / 0.125, 2 / 64.0});
}

TEST(Reciprocal, ZeroGivesSignedInfinityAsTf) {
  const Tensor y = apply_op(get_op("reciprocal"), {vec64({0.0, -0.0})});
  EXPECT_EQ(y[0], std::numeric_limits<double>::infinity());
  EXPECT_EQ(y[1], -std::numeric_limits<double>::infinity());
}

TEST(Reciprocal, Errors) { expect_unary_errors("reciprocal"); }

}  // namespace tc::test
