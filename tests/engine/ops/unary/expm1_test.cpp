#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Expm1, ValuesAndGradient) {
  // 1e-10: exp(x) - 1 would cancel; expm1 keeps full precision, and so must the value here.
  const std::vector<double> x{0, 1e-10, 1, -2, -40};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(std::expm1(v));
    dy.push_back(std::exp(v));
  }
  expect_ad({"expm1", {vec64(x)}, {}, y, {{dy}}});
}

TEST(Expm1, TinyArgumentKeepsRelativePrecision) {
  const Tensor y = apply_op(get_op("expm1"), {vec64({1e-12})});
  EXPECT_NEAR(y[0] / 1e-12, 1 + 0.5e-12, 1e-15);
}

TEST(Expm1, GradientAtLargeNegativeXIsExpNotZero) {
  // y + 1 would round to 0 here; the VJP uses e^x.
  const auto g = first_derivative("expm1", {-40});
  ASSERT_TRUE(g);
  EXPECT_NEAR((*g)[0] / std::exp(-40.0), 1, 1e-14);
}

TEST(Expm1, SecondDerivative) {
  expect_second_derivative("expm1", {0, 1, -2},
                           std::vector<double>{1, std::exp(1.0), std::exp(-2.0)});
}

TEST(Expm1, Errors) { expect_unary_errors("expm1"); }

}  // namespace tc::test
