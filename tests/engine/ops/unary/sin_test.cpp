#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Sin, ValuesAndGradient) {
  const std::vector<double> x{0, 1, -2, 3};
  std::vector<double> y, dy, d2y;
  for (double v : x) {
    y.push_back(std::sin(v));
    dy.push_back(std::cos(v));
    d2y.push_back(-std::sin(v));
  }
  expect_ad({"sin", {t64(x, {2, 2})}, {}, y, {{dy}}});
  expect_second_derivative("sin", x, d2y);
}

TEST(Sin, Errors) { expect_unary_errors("sin"); }

}  // namespace tc::test
