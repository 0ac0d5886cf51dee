#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"
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

TEST(ReduceStd, AGroupOfTwoRecordsWhichElementIsTheLarger) {
  // y = |x0 - x1|/2: the cone point is the hyperplane x0 = x1, with a side. A varying group
  // records 1 + which is larger (1: the first, 2: the second): rows {1, 1 + 2^-50} and {3, 2}
  // record 3 and 2, a constant row 0. A group of three has no side: 1.
  OpAttrs a;
  a.axes = {1};
  Branches b;
  run_kernel<double>("reduce_std", {t64({1, 1 + 0x1p-50, 3, 2, 5, 5}, {3, 2})}, a, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{3, 2, 0}));
  Branches three;
  run_kernel<double>("reduce_std", {t64({1, 2, 4}, {3})}, {}, &three);
  EXPECT_EQ(three.sides, (std::vector<std::int32_t>{1}));
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

TEST(ReduceStd, SubnormalSpreadInF32KeepsBoundedDerivatives) {
  // x = {-s, s}, s = 2^-132 ≈ 1.8e-40: y = s, a subnormal f32 whose N·y is below 2.9e-39, so
  // g/(N·y) overflows f32; the derivatives (x - μ)/(N·y) = ∓1/2 do not. The variance s² is 0
  // in f32 but not in double, where the group is not constant.
  const double s = std::ldexp(1.0, -132);
  expect_ad({"reduce_std", {t64({-s, s}, {2})}, {}, {s}, {{{-0.5, 0.5}}}});
}

TEST(ReduceStd, SecondDerivativeAlongARayThroughASubnormalF32Spread) {
  // std(t·x) = t·std(x) for t > 0, x = {-s, s}: first derivative std(x) = s, second 0; the
  // outer tape differentiates the VJP with cotangents of size s (soak graph 8946: reduce_std
  // of log_sigmoid's values near -1e-39 gave NaN second derivatives).
  const double s = std::ldexp(1.0, -132);
  const Tensor t = Tensor::constant({1}, Shape{}, DType::f32);
  const Tensor x = Tensor::constant({-s, s}, Shape{2}, DType::f32);
  const auto [g, second] = second_order(t, [&](const Tensor& r) { return reduce_std(mul(r, x), {}, false); });
  // Relative: the f32 tolerance's absolute part would accept anything of size s.
  EXPECT_NEAR(g.values()[0] / s, 1, 1e-5) << "d/dt std(t x) = " << g.values()[0];
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(std::isfinite(second->values()[0])) << "d²/dt² std(t x) = " << second->values()[0];
  expect_values_near(*second, {0}, DType::f32, "d²/dt² std(t x)");
}

}  // namespace tc::test
