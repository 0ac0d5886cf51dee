#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Sqrt, ValuesAndGradient) {
  const std::vector<double> x{0.25, 1, 4, 2};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(std::sqrt(v));
    dy.push_back(0.5 / std::sqrt(v));
  }
  expect_ad({"sqrt", {t64(x, {2, 2})}, {}, y, {{dy}}});
}

TEST(Sqrt, SecondDerivative) {
  // d²/dx² x^(1/2) = -x^(-3/2) / 4
  expect_second_derivative("sqrt", {0.25, 1, 4},
                           std::vector<double>{-0.25 * 8, -0.25, -0.25 / 8});
}

TEST(Sqrt, AtZeroTheGradientIsInfinite) {
  const auto g = first_derivative("sqrt", {0});
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)[0], std::numeric_limits<double>::infinity());
}

TEST(Sqrt, Errors) { expect_unary_errors("sqrt"); }

}  // namespace tc::test
