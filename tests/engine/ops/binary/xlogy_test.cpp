#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Xlogy, ValuesAndGradients) {
  // 2 ln 3 with ∂/∂x = ln 3, ∂/∂y = 2/3; -1 ln 0.5 with ∂/∂x = ln 0.5, ∂/∂y = -2.
  expect_ad({"xlogy", {t64({2, -1}, {2}), t64({3, 0.5}, {2})}, {}, {2 * std::log(3.0), -std::log(0.5)},
             {{{std::log(3.0), std::log(0.5)}}, {{2.0 / 3, -2}}}});
}

TEST(Xlogy, ZeroXGivesZeroEvenAtYZeroAndTfsZeroPartials) {
  // xlogy(0, y) = 0 for every y, and TF's gradient takes both partials as 0 there (the true
  // ∂/∂x at y = 2 would be ln 2): the table's kink at x = 0.
  expect_ad({"xlogy", {t64({0, 0}, {2}), t64({2, 0}, {2})}, {}, {0, 0}, {{{0, 0}}, {{0, 0}}}});
}

// 0 on the kink, else x's sign: a line through x = 0 beside the point changes the signature
// (soak graph 550009: the f32 engine's x was exactly 0, the f64 oracle's 1.5e-8).
TEST(Xlogy, RecordsWhereXIsZeroAndOnWhichSide) {
  Branches b;
  run_kernel<double>("xlogy", {t64({0, 1e-300, -1e-300}, {3}), t64({2, 2, 2}, {3})}, {}, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{0, 1, 2}));
}

}  // namespace tc::test
