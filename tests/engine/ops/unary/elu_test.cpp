#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
// OpAttrs' alpha defaults to 0.2 (leaky_relu's); elu cases set it explicitly.
OpAttrs with_alpha(double alpha) {
  OpAttrs a;
  a.alpha = alpha;
  return a;
}
}  // namespace

TEST(Elu, ValuesAndGradientWithTfAlpha) {
  const std::vector<double> x{-1, 2, -3, 0.5};
  std::vector<double> y, dy;
  for (double v : x) {
    y.push_back(v > 0 ? v : std::exp(v) - 1);
    dy.push_back(v > 0 ? 1 : std::exp(v));
  }
  expect_ad({"elu", {t64(x, {2, 2})}, with_alpha(1), y, {{dy}}});
}

TEST(Elu, WrapperDefaultsToTfAlpha) {
  expect_values_near(elu(vec64({-1, 2})), {std::exp(-1.0) - 1, 2}, DType::f64, "elu(x)");
}

TEST(Elu, OtherAlpha) {
  // elu(x; 2) = 2 (e^x - 1) for x < 0, derivative 2 e^x.
  expect_ad({"elu", {vec64({-1, 3, -0.25})}, with_alpha(2),
             {2 * (std::exp(-1.0) - 1), 3, 2 * (std::exp(-0.25) - 1)},
             {{{2 * std::exp(-1.0), 1, 2 * std::exp(-0.25)}}}});
}

TEST(Elu, KinkAtZeroTakesTheRightDerivativeOne) {
  // elu'(0) = 1 for every alpha (TF's EluGrad; the left derivative would be alpha).
  expect_ad({"elu", {vec64({0})}, with_alpha(1), {0}, {{{1}}}});
  expect_ad({"elu", {vec64({0})}, with_alpha(2), {0}, {{{1}}}});
  expect_ad({"elu", {vec64({0})}, with_alpha(0.5), {0}, {{{1}}}});
}

TEST(Elu, RecordsTheSideOfEveryElement) {
  EXPECT_EQ(branch_sides("elu", {-1, 0, 2}, with_alpha(1)), (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(Elu, InfinitiesGiveFiniteGradients) {
  const double inf = std::numeric_limits<double>::infinity();
  const auto g = first_derivative("elu", {inf, -inf}, with_alpha(1.5));
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)[0], 1);
  EXPECT_EQ((*g)[1], 0);
}

TEST(Elu, SecondDerivative) {
  // alpha e^x on the left, 0 (a value: the left term stays connected) on the right.
  expect_second_derivative("elu", {-1, 2, -0.5},
                           std::vector<double>{1.5 * std::exp(-1.0), 0, 1.5 * std::exp(-0.5)},
                           with_alpha(1.5));
}

TEST(Elu, Errors) { expect_unary_errors("elu"); }

}  // namespace tc::test
