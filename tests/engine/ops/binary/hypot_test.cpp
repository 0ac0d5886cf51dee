#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/tape.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Hypot, ValuesAndGradients) {
  // (3, 4) -> 5 with gradients 3/5, 4/5; (-5, 12) -> 13 with -5/13, 12/13.
  expect_ad({"hypot", {t64({3, -5}, {2}), t64({4, 12}, {2})}, {}, {5, 13},
             {{{0.6, -5.0 / 13}}, {{0.8, 12.0 / 13}}}});
}

TEST(Hypot, OriginTakesTheZeroSubgradient) {
  // Both partials 0 at (0, 0) (torch's a/h would be NaN); on one axis only the other is 0.
  expect_ad({"hypot", {t64({0, 0}, {2}), t64({0, -2}, {2})}, {}, {0, 2}, {{{0, 0}}, {{0, -1}}}});
}

TEST(Hypot, NoOverflowForLargeOperands) {
  expect_values_near(hypot(t64({3e200}, {1}), t64({4e200}, {1})), {5e200}, DType::f64, "hypot");
}

TEST(Hypot, SecondDerivative) {
  // ∂²h/∂a² = b²/h³ = 16/125 at (3, 4); through the where/div VJP on the outer tape.
  const Tensor a = t64({3}, {1}), b = t64({4}, {1});
  GradientTape outer;
  std::optional<Tensor> g;
  {
    auto ro = outer.recording();
    outer.watch(a);
    GradientTape inner;
    Tensor h;
    {
      auto ri = inner.recording();
      inner.watch(a);
      h = hypot(a, b);
    }
    g = inner.gradient(h, a);
  }
  expect_values_near(*outer.gradient(*g, a), {16.0 / 125}, DType::f64, "hypot''");
}

TEST(Hypot, SubnormalF32OperandsKeepBoundedDerivatives) {
  // h = 5·2^-132 ≈ 9.2e-40 is subnormal in f32, where 1/h overflows (> 3.4e38); the
  // derivatives a/h = 3/5 and b/h = 4/5 do not, and the f32 VJP must not pass through 1/h.
  const double s = std::ldexp(1.0, -132);
  expect_ad({"hypot", {t64({3 * s}, {1}), t64({4 * s}, {1})}, {}, {5 * s}, {{{0.6}}, {{0.8}}}});
}

TEST(Hypot, SecondDerivativeAlongARayThroughSubnormalF32Values) {
  // h(t·a, t·b) = t·h(a, b) for t > 0: first derivative h(a, b) = 5·2^-132, second 0. The outer
  // tape differentiates the VJP with the tiny cotangents a and b; g/h would be inf and inf·a
  // NaN there (soak graph 19346: hypot of log_sigmoid's values near -1e-39).
  const double s = std::ldexp(1.0, -132);
  const Tensor t = Tensor::constant({1}, Shape{1}, DType::f32);
  const Tensor a = Tensor::constant({3 * s}, Shape{1}, DType::f32);
  const Tensor b = Tensor::constant({4 * s}, Shape{1}, DType::f32);
  const auto [g, second] = second_order(t, [&](const Tensor& x) { return hypot(mul(x, a), mul(x, b)); });
  // Relative: the f32 tolerance's absolute part would accept anything of size s.
  EXPECT_NEAR(g.values()[0] / (5 * s), 1, 1e-5) << "d/dt hypot(t a, t b) = " << g.values()[0];
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(std::isfinite(second->values()[0])) << "d²/dt² hypot(t a, t b) = " << second->values()[0];
  expect_values_near(*second, {0}, DType::f32, "d²/dt² hypot(t a, t b)");
}

TEST(Hypot, RecordsTheOriginAndTheOperandsSigns) {
  const auto sides = [](std::vector<double> a, std::vector<double> b) {
    Branches br;
    const auto n = static_cast<std::int64_t>(a.size());
    run_kernel<double>("hypot", {t64(std::move(a), {n}), t64(std::move(b), {n})}, {}, &br);
    return br.sides;
  };
  EXPECT_EQ(sides({0, 1e-300, -1, 2, -3}, {0, 0, 1, -2, -3}), (std::vector<std::int32_t>{0, 1, 2, 3, 4}));
  // hypot(x, x) = √2|x| on a line through the origin: the two sides of its tip differ, even
  // where no point lands on it (f32 subnormals: soak graph 147331).
  EXPECT_NE(sides({-1e-41}, {-1e-41}), sides({1e-41}, {1e-41}));
}

}  // namespace tc::test
