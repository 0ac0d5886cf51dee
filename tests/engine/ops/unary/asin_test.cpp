#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Asin, ValuesAndGradient) {
  // asin(1/2) = π/6 with derivative 1/√(3/4) = 2/√3; asin(0) = 0 with derivative 1.
  const std::vector<double> x{0.5, 0, -0.8};
  expect_ad({"asin", {vec64(x)}, {}, {M_PI / 6, 0, std::asin(-0.8)}, {{{2 / std::sqrt(3.0), 1, 1 / 0.6}}}});
  // d²/dx² asin = x/(1 - x²)^(3/2): at 0.5, 0.5/(0.75)^1.5.
  expect_second_derivative("asin", {0.5, 0}, std::vector<double>{0.5 / std::pow(0.75, 1.5), 0});
}

TEST(Asin, OutsideTheDomainIsNaN) { EXPECT_TRUE(std::isnan(first_derivative("asin", {2})->values()[0])); }

TEST(Asin, Errors) { expect_unary_errors("asin"); }

}  // namespace tc::test
