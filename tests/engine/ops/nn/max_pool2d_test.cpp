#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/conv.hpp"
#include "engine/ops/op_table.hpp"
#include "tests/engine/ops/nn/window_attrs.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(MaxPool2d, TheMaximumTakesTheGradient) {
  expect_ad({"max_pool2d", {t64({1, 3, 2, 0}, {1, 2, 2, 1})}, pool_attrs({2, 2}, {}, "valid"), {3}, {{{0, 1, 0, 0}}}});
}

TEST(MaxPool2d, ATieGoesToTheFirstMaximumInWindowOrder) {
  // 2 at taps 0 and 2: TF's MaxPoolGrad (and torch) route it all to tap 0.
  expect_ad({"max_pool2d", {t64({2, 1, 2, 0}, {1, 2, 2, 1})}, pool_attrs({2, 2}, {}, "valid"), {2}, {{{1, 0, 0, 0}}}});
}

TEST(MaxPool2d, RecordsTheWinningTapOrTheSizeOfATie) {
  // Windows of a 1x4 row, 1x3 wide, stride 1, "valid": [5, 5, 1] and [5, 1, 5] tie two ways,
  // [5, 5, 5] three ways, [2, 5, 1] has its maximum at tap 1. A tie of k records -k, so a
  // step that shrinks a three-way tie to two is seen as a kink.
  const auto sides = [](std::vector<double> row) {
    Branches b;
    run_kernel<double>("max_pool2d", {t64(std::move(row), {1, 1, 4, 1})}, pool_attrs({1, 3}, {}, "valid"), &b);
    return b.sides;
  };
  EXPECT_EQ(sides({5, 5, 1, 5}), (std::vector<std::int32_t>{-2, -2}));
  EXPECT_EQ(sides({5, 5, 5, 1}), (std::vector<std::int32_t>{-3, -2}));
  EXPECT_EQ(sides({2, 5, 1, 0}), (std::vector<std::int32_t>{1, 0}));
}

TEST(MaxPool2d, OverlappingWindowsAddAndSamePaddingIsIgnored) {
  // A 1x3 row [1, 3, 2], 1x2 windows, stride 1, "same" (one pad after): [1,3] [3,2] [2,pad].
  expect_ad({"max_pool2d", {t64({1, 3, 2}, {1, 1, 3, 1})}, pool_attrs({1, 2}, {}, "same"), {3, 3, 2}, {{{0, 2, 1}}}});
}

TEST(MaxPool2d, ChannelsPoolSeparately) {
  // Two positions of two channels: c0 = [1, 4], c1 = [5, 2].
  expect_ad({"max_pool2d", {t64({1, 5, 4, 2}, {1, 1, 2, 2})}, pool_attrs({1, 2}, {}, "valid"), {4, 5}, {{{0, 1, 1, 0}}}});
}

TEST(MaxPool2d, SecondDerivativeIsZerosNotNone) {
  const auto [d1, d2] = second_order(t64({1, 3, 2, 0}, {1, 2, 2, 1}),
                                     [](const Tensor& x) { return max_pool2d(x, {2, 2}); });
  expect_values_near(d1, {0, 1, 0, 0}, DType::f64, "first");
  ASSERT_TRUE(d2) << "the route is piecewise constant in x: zeros (R5)";
  expect_values_near(*d2, {0, 0, 0, 0}, DType::f64, "second");
}

TEST(MaxPool2d, BadAttributesRaise) {
  const Tensor x = t64({1, 2, 3, 4}, {1, 2, 2, 1});
  expect_error_naming<ShapeError>([&] { max_pool2d(x, {}); }, {"max_pool2d", "ksize is required"});
  expect_error_naming<ShapeError>([&] { max_pool2d(x, {3, 1}); }, {"max_pool2d", "spans 3 > 2"});
  OpAttrs dilated = pool_attrs({1, 1}, {}, "valid");
  dilated.dilations = {2, 2};
  expect_error_naming<ShapeError>([&] { apply_op(get_op("max_pool2d"), {x}, dilated); },
                                  {"max_pool2d", "takes no dilations"});
}

}  // namespace tc::test
