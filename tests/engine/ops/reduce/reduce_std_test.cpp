#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/reduce/reduce.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(ReduceStd, AllAxes) {
  // x = {1, 3}: μ = 2, σ = 1; dy/dx = (x - μ)/(N σ) = {-1/2, 1/2}.
  expect_ad({"reduce_std", {t64({1, 3}, {2})}, {}, {1}, {{{-0.5, 0.5}}}});
}

TEST(ReduceStd, ConstantGroupTakesTheZeroSubgradient) {
  // Row {2, 2, 2} is constant (σ = 0): gradient 0, where TF's sqrt gives NaN. Row {0, 3, 3}: μ = 2,
  // σ = √2, dy/dx = (x - 2)/(3√2).
  OpAttrs a;
  a.axes = {1};
  const double s = std::sqrt(2.0);
  expect_ad({"reduce_std", {t64({2, 2, 2, 0, 3, 3}, {2, 3})}, a, {0, s},
             {{{0, 0, 0, -2 / (3 * s), 1 / (3 * s), 1 / (3 * s)}}}});
}

TEST(ReduceStd, ThreeEqualValuesAreExactlyConstant) {
  // 0.1 + 0.1 + 0.1 is not 3·0.1 in double, but the shifted mean makes the variance exactly 0.
  Branches b;
  const auto y = run_kernel<double>("reduce_std", {t64({0.1, 0.1, 0.1}, {3})}, {}, &b);
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{0}));
}

TEST(ReduceStd, DeviationsWhoseVarianceUnderflowsAreTheConePoint) {
  // x = {-a, a}, a = 1e-170: a² underflows, the variance is exactly 0 although the elements
  // differ. y = 0 and the gradient the cone point's 0, not (x - μ)/(N·0) = ±inf; the branch
  // records the cone point, so no stencil takes a difference across it.
  const double a = 1e-170;
  Branches b;
  const auto y = run_kernel<double>("reduce_std", {t64({-a, a}, {2})}, {}, &b);
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{0}));
  expect_ad({"reduce_std", {t64({-a, a}, {2})}, {}, {0}, {{{0, 0}}}});
}

}  // namespace tc::test
