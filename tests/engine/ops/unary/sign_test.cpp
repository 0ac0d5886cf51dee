#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Sign, ValuesAndZeroGradientNotNone) {
  // sign' = 0 everywhere, including the jump at 0: a zero tensor, never None (R5).
  expect_ad({"sign", {t64({-2, 0, 3, -0.0}, {2, 2})}, {}, {-1, 0, 1, 0}, {{{0, 0, 0, 0}}}});
}

TEST(Sign, NaNPropagates) { EXPECT_TRUE(std::isnan(sign(vec64({NAN}))[0])); }

TEST(Sign, RecordsTheSideOfEveryElement) {
  EXPECT_EQ(branch_sides("sign", {-1, 0, 2}), (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(Sign, IntegerValuedSoNotComplexStepEligible) {
  EXPECT_FALSE(get_op("sign").complex_step_ok);
}

TEST(Sign, SecondDerivativeIsZeros) {
  // The zero gradient is connected to x (grad_util.hpp zero_gradient): zeros at every order.
  expect_second_derivative("sign", {-1, 2}, std::vector<double>{0, 0});
}

TEST(Sign, Errors) { expect_unary_errors("sign"); }

}  // namespace tc::test
