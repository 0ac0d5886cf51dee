#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Rsqrt, ValuesAndGradient) {
  const std::vector<double> x{0.25, 1, 4, 2};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(1 / std::sqrt(v));
    dy.push_back(-0.5 * std::pow(v, -1.5));
  }
  expect_ad({"rsqrt", {vec64(x)}, {}, y, {{dy}}});
}

TEST(Rsqrt, SecondDerivative) {
  // d²/dx² x^(-1/2) = (3/4) x^(-5/2)
  expect_second_derivative("rsqrt", {0.25, 1, 4},
                           std::vector<double>{0.75 * 32, 0.75, 0.75 / 32});
}

TEST(Rsqrt, Errors) { expect_unary_errors("rsqrt"); }

}  // namespace tc::test
