#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/tape.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Atan2, ValuesAndGradients) {
  // (x, y) = (1, 1): π/4, ∂/∂y = 1/2, ∂/∂x = -1/2; (x, y) = (-2, 1): π - atan(1/2),
  // ∂/∂y = -2/5, ∂/∂x = -1/5; (x, y) = (0, -3): -π/2, ∂/∂y = 0, ∂/∂x = 1/3.
  expect_ad({"atan2", {t64({1, 1, -3}, {3}), t64({1, -2, 0}, {3})}, {},
             {M_PI / 4, M_PI - std::atan(0.5), -M_PI / 2},
             {{{0.5, -0.4, 0}}, {{-0.5, -0.2, 1.0 / 3}}}});
}

TEST(Atan2, BroadcastSumsTheGradientOfTheSmallerOperand) {
  // y [2] against x []: ∂/∂x sums -y/r² over both entries.
  const double x = 2;
  expect_ad({"atan2", {t64({1, -1}, {2}), scalar64(x)}, {}, {std::atan2(1, 2), std::atan2(-1, 2)},
             {{{0.4, 0.4}}, {{-0.2 + 0.2}}}});
}

TEST(Atan2, OriginGivesNaNGradientsLikeTf) {
  const Tensor y = t64({0}, {1}), x = t64({0}, {1});
  GradientTape tape(true);
  Tensor z;
  {
    auto rec = tape.recording();
    tape.watch(y);
    tape.watch(x);
    z = atan2(y, x);
  }
  EXPECT_TRUE(std::isnan(tape.gradient(z, y)->values()[0]));
  EXPECT_TRUE(std::isnan(tape.gradient(z, x)->values()[0]));
}

TEST(Atan2, TheBranchCutAndTheOriginAreRecorded) {
  // Either side of the negative x-axis differs; the positive x-axis is no cut.
  Branches above, below, right;
  run_kernel<double>("atan2", {t64({1e-9, 0}, {2}), t64({-1, 0}, {2})}, {}, &above);
  run_kernel<double>("atan2", {t64({-1e-9}, {1}), t64({-1}, {1})}, {}, &below);
  run_kernel<double>("atan2", {t64({1e-9, -1e-9}, {2}), t64({1, 1}, {2})}, {}, &right);
  EXPECT_EQ(above.sides, (std::vector<std::int32_t>{1, 0}));
  EXPECT_EQ(below.sides, (std::vector<std::int32_t>{-1}));
  EXPECT_EQ(right.sides, (std::vector<std::int32_t>{2, 2}));
}

}  // namespace tc::test
