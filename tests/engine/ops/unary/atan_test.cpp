#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Atan, ValuesAndGradient) {
  const std::vector<double> x{0, 1, -2, 10};
  std::vector<double> y, dy, d2y;
  for (double v : x) {
    y.push_back(std::atan(v));
    dy.push_back(1 / (1 + v * v));
    d2y.push_back(-2 * v / ((1 + v * v) * (1 + v * v)));
  }
  expect_ad({"atan", {vec64(x)}, {}, y, {{dy}}});
  expect_second_derivative("atan", x, d2y);
}

TEST(Atan, Errors) { expect_unary_errors("atan"); }

}  // namespace tc::test
