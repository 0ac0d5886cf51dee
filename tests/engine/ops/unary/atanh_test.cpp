#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Atanh, ValuesAndGradient) {
  // atanh(1/3) = ½ ln 2, derivative 1/(1 - 1/9) = 9/8.
  expect_ad({"atanh", {vec64({1.0 / 3, 0, -1.0 / 3})}, {}, {0.5 * std::log(2.0), 0, -0.5 * std::log(2.0)},
             {{{9.0 / 8, 1, 9.0 / 8}}}});
  // d²/dx² = 2x/(1 - x²)²: (2/3)(81/64).
  expect_second_derivative("atanh", {1.0 / 3}, std::vector<double>{2.0 / 3 * 81.0 / 64});
}

TEST(Atanh, AtOneIsInfinite) { EXPECT_EQ(atanh(vec64({1}))[0], INFINITY); }

TEST(Atanh, Errors) { expect_unary_errors("atanh"); }

}  // namespace tc::test
