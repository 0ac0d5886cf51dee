#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Cos, ValuesAndGradient) {
  // cos'(0) = -sin(0) = 0: a zero value, not None.
  const std::vector<double> x{0, 1, -2, 3};
  std::vector<double> y, dy, d2y;
  for (double v : x) {
    y.push_back(std::cos(v));
    dy.push_back(-std::sin(v));
    d2y.push_back(-std::cos(v));
  }
  expect_ad({"cos", {vec64(x)}, {}, y, {{dy}}});
  expect_second_derivative("cos", x, d2y);
}

TEST(Cos, Errors) { expect_unary_errors("cos"); }

}  // namespace tc::test
