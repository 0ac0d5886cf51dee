#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Relu, ValuesAndGradient) {
  // Negative inputs get a zero gradient: a value, not None (R5).
  expect_ad({"relu", {t64({-2, 3, -0.5, 1.5}, {2, 2})}, {}, {0, 3, 0, 1.5}, {{{0, 1, 0, 1}}}});
}

TEST(Relu, KinkAtZeroTakesTheZeroDerivative) {
  // relu'(0) = 0 (TF); the dual-number and complex-step checks in expect_ad see the same side.
  expect_ad({"relu", {vec64({0, -0.0})}, {}, {0, 0}, {{{0, 0}}}});
}

TEST(Relu, RecordsTheSideOfEveryElement) {
  EXPECT_EQ(branch_sides("relu", {-1, 0, 2}), (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(Relu, NaNPropagates) { EXPECT_TRUE(std::isnan(relu(vec64({NAN}))[0])); }

TEST(Relu, SecondDerivativeThroughTheMaskIsZeros) {
  // The VJP multiplies by the mask [x > 0], piecewise constant in x (grad_util.hpp): the second
  // derivative is zeros, not None (R5 at every order), as TF's ReluGradGrad.
  expect_second_derivative("relu", {-1, 2}, std::vector<double>{0, 0});
}

TEST(Relu, Errors) { expect_unary_errors("relu"); }

}  // namespace tc::test
