#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(FloorDiv, ValuesAndGradientIsNoneForBothOperands) {
  // 7.5 // 2 = 3, -7.5 // 2 = -4, 7.5 // -2 = -4 (floor, not truncation).
  expect_ad({"floor_div", {t64({7.5, -7.5, 7.5}, {3}), t64({2, 2, -2}, {3})}, {}, {3, -4, -4},
             {std::nullopt, std::nullopt}});
}

TEST(FloorDiv, Integers) {
  const Tensor a = Tensor::constant({7, -7}, Shape{2}, DType::i32);
  const Tensor b = Tensor::constant({2, 2}, Shape{2}, DType::i32);
  const Tensor y = floor_div(a, b);
  EXPECT_EQ(y.dtype(), DType::i32);
  EXPECT_EQ(y.values(), (std::vector<double>{3, -4}));
}

TEST(FloorDiv, IntegerDivisionByZeroRaises) {
  const Tensor a = Tensor::constant({1}, Shape{1}, DType::i32);
  EXPECT_THROW(floor_div(a, Tensor::constant({0}, Shape{1}, DType::i32)), Error);
}

TEST(FloorDiv, BoolAndMixedDtypesRaise) {
  const Tensor b = Tensor::constant({1}, Shape{1}, DType::boolean);
  EXPECT_THROW(floor_div(b, b), DTypeError);
  EXPECT_THROW(floor_div(t64({1}, {1}), Tensor::constant({1}, Shape{1}, DType::i32)), DTypeError);
}

TEST(FloorDiv, KernelsDropTheTangentAndRecordTheInteger) {
  Branches br;
  const auto y = run_kernel<Dual>("floor_div", {t64({2.5}, {1}), t64({1}, {1})}, {}, &br);
  EXPECT_EQ(y[0].d, 0);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{2}));
}

}  // namespace tc::test
