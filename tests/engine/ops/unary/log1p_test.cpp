#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Log1p, ValuesAndGradient) {
  const std::vector<double> x{0, 1e-10, 0.5, -0.5, 2};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(std::log1p(v));
    dy.push_back(1 / (1 + v));
  }
  expect_ad({"log1p", {vec64(x)}, {}, y, {{dy}}});
}

TEST(Log1p, UpstreamGradient) {
  OpCase c{"log1p", {vec64({1, 3})}, {}, {std::log(2.0), std::log(4.0)}, {{{2 * 0.5, -1 * 0.25}}}};
  c.upstream = std::vector<double>{2, -1};
  expect_ad(c);
}

TEST(Log1p, SecondDerivative) {
  expect_second_derivative("log1p", {0, 1, -0.5}, std::vector<double>{-1, -0.25, -4});
}

TEST(Log1p, PoleFollowsTf) {
  const Tensor y = apply_op(get_op("log1p"), {vec64({-1, -2})});
  EXPECT_EQ(y[0], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(y[1]));
}

TEST(Log1p, Errors) { expect_unary_errors("log1p"); }

}  // namespace tc::test
