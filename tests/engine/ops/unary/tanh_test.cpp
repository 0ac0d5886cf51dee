#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Tanh, ValuesAndGradient) {
  // At 20 the exact derivative sech²(20) ≈ 4e-18 is below the absolute tolerance: y rounds
  // to 1 and the gradient to 0, as in TF.
  const std::vector<double> x{0, 0.5, -2, 20};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(std::tanh(v));
    dy.push_back(1 / (std::cosh(v) * std::cosh(v)));
  }
  expect_ad({"tanh", {vec64(x)}, {}, y, {{dy}}});
}

TEST(Tanh, SecondDerivative) {
  const std::vector<double> x{0, 0.5, -2};
  std::vector<double> d2y;
  for (double v : x) d2y.push_back(-2 * std::tanh(v) / (std::cosh(v) * std::cosh(v)));
  expect_second_derivative("tanh", x, d2y);
}

TEST(Tanh, Errors) { expect_unary_errors("tanh"); }

}  // namespace tc::test
