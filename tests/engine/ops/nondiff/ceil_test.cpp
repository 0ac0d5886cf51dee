#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Ceil, ValuesAndGradientIsNone) {
  expect_ad({"ceil", {t64({-2.5, -0.5, 0, 0.25, 1, 2.75, -3}, {7})}, {},
             {-2, -0.0, 0, 1, 1, 3, -3}, {std::nullopt}});
}

TEST(Ceil, KeepsTheFloatingDtypeAndTheSignOfZero) {
  const Tensor y = ceil(Tensor::constant({-0.5, 0.5}, Shape{2}, DType::f32));
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_TRUE(std::signbit(y[0]));  // ceil(-0.5) = -0.0
  EXPECT_EQ(y[1], 1.0);
}

TEST(Ceil, BranchesAreTheInteger) {
  Branches b;
  run_kernel<double>("ceil", {t64({1 - 1e-9, 1 + 1e-9, -0.5}, {3})}, {}, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, 2, 0}));
}

TEST(Ceil, BoolInputIsADtypeError) {
  EXPECT_THROW(ceil(Tensor::constant({1, 0}, Shape{2}, DType::boolean)), DTypeError);
}

}  // namespace tc::test
