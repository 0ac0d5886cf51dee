#include <gtest/gtest.h>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
OpAttrs with_alpha(double alpha) {
  OpAttrs a;
  a.alpha = alpha;
  return a;
}
}  // namespace

TEST(LeakyRelu, ValuesAndGradientWithDefaultAlpha) {
  expect_ad({"leaky_relu", {t64({-2, 3, -0.5, 1.5}, {2, 2})}, with_alpha(0.2),
             {-0.4, 3, -0.1, 1.5}, {{{0.2, 1, 0.2, 1}}}});
}

TEST(LeakyRelu, WrapperDefaultsToTfAlpha) {
  expect_values_near(leaky_relu(vec64({-2, 3})), {-0.4, 3}, DType::f64, "leaky_relu(x)");
}

TEST(LeakyRelu, KinkAtZeroTakesAlpha) {
  // leaky_relu'(0) = alpha (TF: features > 0 ? g : alpha g).
  expect_ad({"leaky_relu", {vec64({0})}, with_alpha(0.3), {0}, {{{0.3}}}});
}

TEST(LeakyRelu, OtherAlpha) {
  OpCase c{"leaky_relu", {vec64({-4, 2})}, with_alpha(0.5), {-2, 2}, {{{0.5 * 3, 1 * -1}}}};
  c.upstream = std::vector<double>{3, -1};
  expect_ad(c);
}

TEST(LeakyRelu, ZeroAlphaGivesAZeroGradientNotNone) {
  expect_ad({"leaky_relu", {vec64({-1, 0, 2})}, with_alpha(0), {0, 0, 2}, {{{0, 0, 1}}}});
}

TEST(LeakyRelu, RecordsTheSideOfEveryElement) {
  EXPECT_EQ(branch_sides("leaky_relu", {-1, 0, 2}, with_alpha(0.2)),
            (std::vector<std::int32_t>{-1, 0, 1}));
}

TEST(LeakyRelu, Errors) { expect_unary_errors("leaky_relu"); }

}  // namespace tc::test
