#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Floor, ValuesAndGradientIsNone) {
  expect_ad({"floor", {t64({-2.5, -0.5, 0, 0.25, 1, 2.75, -3}, {7})}, {},
             {-3, -1, 0, 0, 1, 2, -3}, {std::nullopt}});
}

TEST(Floor, KeepsTheFloatingDtype) {
  EXPECT_EQ(floor(Tensor::constant({1.5}, Shape{1}, DType::f32)).dtype(), DType::f32);
  EXPECT_EQ(floor(t64({1.5}, {1})).dtype(), DType::f64);
}

TEST(Floor, EdgeCases) {
  const double inf = INFINITY;
  const Tensor y = floor(t64({-0.0, inf, -inf, NAN}, {4}));
  EXPECT_TRUE(std::signbit(y[0]));
  EXPECT_EQ(y[1], inf);
  EXPECT_EQ(y[2], -inf);
  EXPECT_TRUE(std::isnan(y[3]));
}

TEST(Floor, BranchesAreTheIntegerSoAStencilAcrossAnIntegerIsSeen) {
  Branches below, above;
  run_kernel<double>("floor", {t64({1 - 1e-9, -1e-9}, {2})}, {}, &below);
  run_kernel<double>("floor", {t64({1 + 1e-9, 1e-9}, {2})}, {}, &above);
  EXPECT_EQ(below.sides, (std::vector<std::int32_t>{0, -1}));
  EXPECT_EQ(above.sides, (std::vector<std::int32_t>{1, 0}));
}

TEST(Floor, IntegerInputIsADtypeError) {
  try {
    floor(Tensor::constant({1, 2}, Shape{2}, DType::i32));
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("floor"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("i32"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
