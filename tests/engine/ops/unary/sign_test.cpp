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

TEST(Sign, SecondDerivativeIsNone) {
  // The zero gradient is a constant (like TF's zeros_like), so nothing downstream depends on x.
  expect_second_derivative("sign", {-1, 2}, std::nullopt);
}

TEST(Sign, Errors) { expect_unary_errors("sign"); }

}  // namespace tc::test
