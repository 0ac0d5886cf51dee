#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(GeluTanh, ValuesAndGradient) {
  const double c = std::sqrt(2 / M_PI), k = 0.044715;
  const std::vector<double> x{0, 1, -1.5};
  std::vector<double> y, dy;
  for (double v : x) {
    const double t = std::tanh(c * (v + k * v * v * v));
    y.push_back(0.5 * v * (1 + t));
    dy.push_back(0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * k * v * v));
  }
  EXPECT_DOUBLE_EQ(dy[0], 0.5);
  expect_ad({"gelu_tanh", {vec64(x)}, {}, y, {{dy}}});
  // At 0: y'' = c (from ½·2·(1 - t²)·c with t = 0).
  expect_second_derivative("gelu_tanh", {0}, std::vector<double>{c});
}

TEST(GeluTanh, CloseToTheExactForm) {
  // The approximation is within 1e-3 of x Φ(x) on [-3, 3].
  for (double v : {-3.0, -1.0, 0.5, 2.0}) {
    const double exact = v * 0.5 * (1 + std::erf(v / std::sqrt(2.0)));
    EXPECT_NEAR(gelu_tanh(vec64({v}))[0], exact, 1e-3) << v;
  }
}

TEST(GeluTanh, Errors) { expect_unary_errors("gelu_tanh"); }

}  // namespace tc::test
