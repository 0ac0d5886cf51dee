#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
double cdf(double x) { return 0.5 * (1 + std::erf(x / std::sqrt(2.0))); }
double pdf(double x) { return std::exp(-x * x / 2) / std::sqrt(2 * M_PI); }
}  // namespace

TEST(Gelu, ValuesAndGradient) {
  // gelu(0) = 0 with derivative Φ(0) = 1/2; gelu(x) = xΦ(x), gelu'(x) = Φ(x) + xφ(x).
  const std::vector<double> x{0, 1, -1.5, 2.5};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(v * cdf(v));
    dy.push_back(cdf(v) + v * pdf(v));
  }
  EXPECT_DOUBLE_EQ(dy[0], 0.5);
  expect_ad({"gelu", {vec64(x)}, {}, y, {{dy}}});
  // gelu'' = 2φ(x) - x²φ(x) = (2 - x²)φ(x).
  expect_second_derivative("gelu", {0, 1}, std::vector<double>{2 * pdf(0), pdf(1)});
}

TEST(Gelu, Errors) { expect_unary_errors("gelu"); }

}  // namespace tc::test
