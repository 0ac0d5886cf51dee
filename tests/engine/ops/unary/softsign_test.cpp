#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Softsign, ValuesAndGradient) {
  // 1/(1 + 1) = 0.5 with derivative 1/4; -3/(1 + 3) = -0.75 with derivative 1/16.
  expect_ad({"softsign", {vec64({1, -3, 0})}, {}, {0.5, -0.75, 0}, {{{0.25, 1.0 / 16, 1}}}});
}

TEST(Softsign, SecondDerivativeJumpsAtZeroAndIsZeroThere) {
  // y'' = -2 sign(x)/(1 + |x|)³: -1/4 at 1, +2/27 at -2, and 0 at the kink (abs'(0) = 0).
  expect_second_derivative("softsign", {1, -2, 0}, std::vector<double>{-0.25, 2.0 / 27, 0});
  EXPECT_EQ(branch_sides("softsign", {-1, 0, 2}), (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(Softsign, Errors) { expect_unary_errors("softsign"); }

}  // namespace tc::test
