#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
constexpr double kScale = 1.0507009873554804934193349852946;
constexpr double kAlpha = 1.6732632423543772848170429916717;
}  // namespace

TEST(Selu, ValuesAndGradient) {
  // x > 0: λx, derivative λ; x < 0: λα(eˣ - 1), derivative λαeˣ.
  expect_ad({"selu", {vec64({2, -1, 0.5})}, {},
             {2 * kScale, kScale * kAlpha * (std::exp(-1.0) - 1), 0.5 * kScale},
             {{{kScale, kScale * kAlpha * std::exp(-1.0), kScale}}}});
}

TEST(Selu, KinkAtZeroTakesTheRightDerivativeLikeTf) {
  // TF's SeluGrad passes g·λ unless the activation is < 0: selu'(0) = λ, not λα.
  expect_ad({"selu", {vec64({0})}, {}, {0}, {{{kScale}}}});
}

TEST(Selu, RecordsTheSideOfEveryElement) {
  EXPECT_EQ(branch_sides("selu", {-1, 0, 2}), (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(Selu, SecondDerivative) {
  // λαeˣ on the left; 0 on the right.
  expect_second_derivative("selu", {-1, 2}, std::vector<double>{kScale * kAlpha * std::exp(-1.0), 0});
}

TEST(Selu, Errors) { expect_unary_errors("selu"); }

}  // namespace tc::test
