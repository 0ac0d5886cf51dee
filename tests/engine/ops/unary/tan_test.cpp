#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Tan, ValuesAndGradient) {
  // Up to the edge of the sampling domain (±1.2), where sec² ≈ 7.6.
  const std::vector<double> x{0, 0.5, -1, 1.2};
  std::vector<double> y, dy, d2y;
  for (double v : x) {
    const double sec2 = 1 / (std::cos(v) * std::cos(v));
    y.push_back(std::tan(v));
    dy.push_back(sec2);
    d2y.push_back(2 * std::tan(v) * sec2);
  }
  expect_ad({"tan", {vec64(x)}, {}, y, {{dy}}});
  expect_second_derivative("tan", x, d2y);
}

TEST(Tan, Errors) { expect_unary_errors("tan"); }

}  // namespace tc::test
