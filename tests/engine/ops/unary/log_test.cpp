#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Log, ValuesAndGradient) {
  const std::vector<double> x{1, 0.5, 4, 2.5};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(std::log(v));
    dy.push_back(1 / v);
  }
  expect_ad({"log", {vec64(x)}, {}, y, {{dy}}});
}

TEST(Log, SecondDerivative) {
  expect_second_derivative("log", {1, 0.5, 4}, std::vector<double>{-1, -4, -1.0 / 16});
}

TEST(Log, ZeroAndNegativeFollowTf) {
  const Tensor y = apply_op(get_op("log"), {vec64({0, -1})});
  EXPECT_EQ(y[0], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(y[1]));
}

TEST(Log, Errors) { expect_unary_errors("log"); }

}  // namespace tc::test
