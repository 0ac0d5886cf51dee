#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(FloorMod, ValuesAndGradientsWithTheDivisorsSign) {
  // 7.5 mod 2 = 1.5 (floor 3); -7.5 mod 2 = 0.5 (floor -4); 7.5 mod -2 = -0.5 (floor -4).
  // ∂/∂a = 1, ∂/∂b = -floor(a/b) = -3, 4, 4.
  expect_ad({"floor_mod", {t64({7.5, -7.5, 7.5}, {3}), t64({2, 2, -2}, {3})}, {}, {1.5, 0.5, -0.5},
             {{{1, 1, 1}}, {{-3, 4, 4}}}});
}

TEST(FloorMod, BroadcastDivisorSumsItsGradient) {
  // [1.25, 2.5, -0.5] mod 1: floors 1, 2, -1 → ∂/∂b = -(1 + 2 - 1) = -2.
  expect_ad({"floor_mod", {t64({1.25, 2.5, -0.5}, {3}), scalar64(1)}, {}, {0.25, 0.5, 0.5},
             {{{1, 1, 1}}, {{-2}}}});
}

TEST(FloorMod, RecordsTheIntegerPartSoJumpsAreSeen) {
  Branches below, above;
  run_kernel<double>("floor_mod", {t64({2 - 1e-9}, {1}), t64({1}, {1})}, {}, &below);
  run_kernel<double>("floor_mod", {t64({2 + 1e-9}, {1}), t64({1}, {1})}, {}, &above);
  EXPECT_EQ(below.sides, (std::vector<std::int32_t>{1}));
  EXPECT_EQ(above.sides, (std::vector<std::int32_t>{2}));
}

TEST(FloorMod, ZeroDivisorIsNaN) { EXPECT_TRUE(std::isnan(floor_mod(t64({1}, {1}), t64({0}, {1}))[0])); }

}  // namespace tc::test
