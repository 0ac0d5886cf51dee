#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Silu, ValuesAndGradient) {
  // silu(0) = 0 with derivative σ(0) = 1/2; silu'(x) = σ(1 + x(1 - σ)).
  const std::vector<double> x{0, 2, -3, 40, -40};
  std::vector<double> y, dy;
  for (double v : x) {
    const double s = 1 / (1 + std::exp(-v));
    y.push_back(v * s);
    dy.push_back(s * (1 + v * (1 - s)));
  }
  expect_ad({"silu", {vec64(x)}, {}, y, {{dy}}});
  // silu''(0) = 2σ'(0) = 1/2.
  expect_second_derivative("silu", {0}, std::vector<double>{0.5});
}

TEST(Silu, Errors) { expect_unary_errors("silu"); }

}  // namespace tc::test
