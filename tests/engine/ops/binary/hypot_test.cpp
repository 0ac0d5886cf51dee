#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/tape.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
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

TEST(Hypot, RecordsTheOrigin) {
  Branches b;
  run_kernel<double>("hypot", {t64({0, 1e-300}, {2}), t64({0, 0}, {2})}, {}, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{0, 1}));
}

}  // namespace tc::test
