#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Softplus, ValuesAndGradient) {
  const std::vector<double> x{0, 1, -2, 3};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(std::log(1 + std::exp(v)));
    dy.push_back(1 / (1 + std::exp(-v)));  // σ(x)
  }
  expect_ad({"softplus", {t64(x, {2, 2})}, {}, y, {{dy}}});
}

TEST(Softplus, LargeMagnitudesAreStable) {
  // ln(1 + e^x) = x + ln(1 + e^-x) → x for large x (e^800 would overflow), and → e^x for
  // very negative x (ln(1 + e^-30) = e^-30 to 1e-26).
  const double e30 = std::exp(-30.0);
  expect_ad({"softplus", {vec64({800, -800, 30, -30})}, {},
             {800, 0, 30 + e30, e30},
             {{{1, 0, 1 / (1 + e30), e30 / (1 + e30)}}}});
}

TEST(Softplus, SecondDerivative) {
  // softplus'' = σ' = σ (1 - σ)
  const std::vector<double> x{0, 1, -2};
  std::vector<double> d2y;
  for (double v : x) {
    const double s = 1 / (1 + std::exp(-v));
    d2y.push_back(s * (1 - s));
  }
  expect_second_derivative("softplus", x, d2y);
}

TEST(Softplus, StableFormSwitchIsNotAKink) {
  EXPECT_TRUE(branch_sides("softplus", {-1, 0, 1}).empty());
}

TEST(Softplus, Errors) { expect_unary_errors("softplus"); }

}  // namespace tc::test
