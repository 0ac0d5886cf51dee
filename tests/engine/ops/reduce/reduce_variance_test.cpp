#include <gtest/gtest.h>

#include "engine/ops/reduce/reduce.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(ReduceVariance, AllAxes) {
  // x = {1, 2, 3, 6}: μ = 3, variance = (4 + 1 + 0 + 9)/4 = 3.5; dy/dx = 2(x - μ)/4.
  expect_ad({"reduce_variance", {t64({1, 2, 3, 6}, {2, 2})}, {}, {3.5}, {{{-1, -0.5, 0, 1.5}}}});
}

TEST(ReduceVariance, PerRowWithUpstream) {
  // Rows {0, 2} (var 1) and {1, 1} (var 0); upstream {3, 5}: row 0: 3·2(x - 1)/2 = ∓3.
  OpAttrs a;
  a.axes = {1};
  OpCase c{"reduce_variance", {t64({0, 2, 1, 1}, {2, 2})}, a, {1, 0}, {{{-3, 3, 0, 0}}}};
  c.upstream = std::vector<double>{3, 5};
  expect_ad(c);
}

TEST(ReduceVariance, SecondDerivative) {
  // Σ_i ∂y/∂x_i = 0 for every x, so its derivative is 0 (a value: the VJP depends on x).
  expect_second_derivative("reduce_variance", {1, 4, -2}, std::vector<double>{0, 0, 0});
}

}  // namespace tc::test
