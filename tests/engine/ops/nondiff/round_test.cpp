#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Round, HalvesGoToEvenAsTf) {
  expect_ad({"round",
             {t64({0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5}, {8})},
             {},
             {0, 2, 2, 4, -0.0, -2, -2, -4},
             {std::nullopt}});
}

TEST(Round, NonHalvesGoToTheNearestAndTheGradientIsNone) {
  expect_ad({"round", {t64({0.25, -0.25, 2.75, -2.75, 1, 0.625}, {2, 3})}, {},
             {0, -0.0, 3, -3, 1, 1}, {std::nullopt}});
}

TEST(Round, ZeroResultsKeepTheSignOfX) {
  const Tensor y = round(t64({-0.5, -0.3, 0.3, 0.5}, {4}));
  EXPECT_TRUE(std::signbit(y[0]));
  EXPECT_TRUE(std::signbit(y[1]));
  EXPECT_FALSE(std::signbit(y[2]));
  EXPECT_FALSE(std::signbit(y[3]));
}

TEST(Round, NearHalvesAndLargeValuesAreExactInF64) {
  // 0.5 - 2^-54 (just below a half) and 2^52 + 1 (already an integer, odd).
  const double below_half = 0.49999999999999994, big = 4503599627370497.0;
  const Tensor y = round(t64({below_half, -below_half, big, INFINITY, NAN}, {5}));
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(y[1], 0.0);
  EXPECT_EQ(y[2], big);
  EXPECT_EQ(y[3], INFINITY);
  EXPECT_TRUE(std::isnan(y[4]));
}

TEST(Round, KeepsF32) {
  const Tensor y = round(Tensor::constant({2.5, 1.5}, Shape{2}, DType::f32));
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_EQ(y.values(), (std::vector<double>{2, 2}));
}

TEST(Round, BranchesChangeAcrossAHalfInteger) {
  Branches below, above;
  run_kernel<double>("round", {t64({1.5 - 1e-9, -0.5 - 1e-9}, {2})}, {}, &below);
  run_kernel<double>("round", {t64({1.5 + 1e-9, -0.5 + 1e-9}, {2})}, {}, &above);
  EXPECT_EQ(below.sides, (std::vector<std::int32_t>{1, -1}));
  EXPECT_EQ(above.sides, (std::vector<std::int32_t>{2, 0}));
}

TEST(Round, IntegerInputIsADtypeError) {
  EXPECT_THROW(round(Tensor::constant({1}, Shape{1}, DType::i32)), DTypeError);
}

}  // namespace tc::test
