#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
// σ'(x) = e^-|x| / (1 + e^-|x|)²: σ' is even, and this form never overflows.
double dsigmoid(double x) {
  const double e = std::exp(-std::fabs(x));
  return e / ((1 + e) * (1 + e));
}
}  // namespace

TEST(Sigmoid, ValuesAndGradient) {
  const std::vector<double> x{0, 2, -3, 0.5};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(1 / (1 + std::exp(-v)));
    dy.push_back(dsigmoid(v));
  }
  expect_ad({"sigmoid", {t64(x, {2, 2})}, {}, y, {{dy}}});
}

TEST(Sigmoid, LargeMagnitudesSaturateWithoutNaN) {
  // exp(800) overflows: the stable forward must still give 1 and 0 (and -40 keeps its tiny
  // value e^-40 / (1 + e^-40) instead of rounding through 1 - ...).
  const double e40 = std::exp(-40.0);
  expect_ad({"sigmoid", {vec64({800, -800, 40, -40})}, {},
             {1, 0, 1 / (1 + e40), e40 / (1 + e40)},
             {{{0, 0, dsigmoid(40), dsigmoid(-40)}}}});
}

TEST(Sigmoid, SecondDerivative) {
  // σ'' = σ' (1 - 2σ)
  const std::vector<double> x{0, 2, -3};
  std::vector<double> d2y;
  for (double v : x) d2y.push_back(dsigmoid(v) * (1 - 2 / (1 + std::exp(-v))));
  expect_second_derivative("sigmoid", x, d2y);
}

TEST(Sigmoid, StableFormSwitchIsNotAKink) {
  EXPECT_TRUE(branch_sides("sigmoid", {-1, 0, 1}).empty());
}

TEST(Sigmoid, Errors) { expect_unary_errors("sigmoid"); }

}  // namespace tc::test
