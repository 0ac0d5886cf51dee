#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/conv.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/nn/window_attrs.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Conv1d, ValidIsACrossCorrelation) {
  // x = [1, 2, 3], w = [1, -1]: y_o = x_o - x_{o+1} = [-1, -1] (not flipped, as TF).
  // dx_j = Σ_o w_{j-o} = [1, 1 - 1, -1]; dw_k = Σ_o x_{o+k} = [1 + 2, 2 + 3].
  expect_ad({"conv1d", {t64({1, 2, 3}, {1, 3, 1}), t64({1, -1}, {2, 1, 1})}, window_attrs({}, "valid"), {-1, -1},
             {{{1, 0, -1}}, {{3, 5}}}});
}

TEST(Conv1d, SameWithStrideTwoPadsTheOddOneAfter) {
  // W = 4, K = 3, stride 2: W' = 2, total padding 1, all of it after (TF). Windows read
  // positions {0,1,2} and {2,3,pad}: y = [1+4+9, 3+8] = [14, 11].
  expect_ad({"conv1d", {t64({1, 2, 3, 4}, {1, 4, 1}), t64({1, 2, 3}, {3, 1, 1})}, window_attrs({2}, "same"), {14, 11},
             {{{1, 2, 3 + 1, 2}}, {{1 + 3, 2 + 4, 3}}}});
}

TEST(Conv1d, DilationSpreadsTheTaps) {
  // dilation 2: y_o = x_o + x_{o+2} over x = [1..5]: [4, 6, 8].
  expect_ad({"conv1d", {t64({1, 2, 3, 4, 5}, {1, 5, 1}), t64({1, 1}, {2, 1, 1})}, window_attrs({}, "valid", {2}),
             {4, 6, 8}, {{{1, 1, 2, 1, 1}}, {{1 + 2 + 3, 3 + 4 + 5}}}});
}

TEST(Conv1d, ChannelsMix) {
  // One position, x = [1, 2] over two channels, w [1, 2, 3]: y = xᵀ·w = [9, 12, 15];
  // dx = w·1 = [6, 15], dw = x ⊗ 1.
  expect_ad({"conv1d", {t64({1, 2}, {1, 1, 2}), t64({1, 2, 3, 4, 5, 6}, {1, 2, 3})}, window_attrs({}, "valid"), {9, 12, 15},
             {{{6, 15}}, {{1, 1, 1, 2, 2, 2}}}});
}

TEST(Conv1d, SecondOrderIsRecorded) {
  // The filter is x's first two elements: Σy = x0² + x0·x1 + x1² + x1·x2, whose gradient
  // [2x0 + x1, x0 + 2x1 + x2, x1] is linear in x: the second derivative is a value, not None.
  const auto [d1, d2] = second_order(t64({1, 2, 3}, {1, 3, 1}), [](const Tensor& x) {
    return conv1d(x, reshape(slice(x, {0, 0, 0}, {1, 2, 1}), {2, 1, 1}));
  });
  expect_values_near(d1, {2 * 1 + 2, 1 + 2 * 2 + 3, 2}, DType::f64, "first");
  ASSERT_TRUE(d2);
  expect_values_near(*d2, {2 + 1, 1 + 2 + 1, 1}, DType::f64, "second");
}

TEST(Conv1d, BadOperandsAndAttributesRaise) {
  const Tensor x = t64({1, 2, 3}, {1, 3, 1});
  expect_error_naming<ShapeError>([&] { conv1d(x, t64({1, 2}, {1, 2, 1})); }, {"conv1d", "in_channels 2", "[1,3,1]"});
  expect_error_naming<ShapeError>([&] { conv1d(x, t64({1, 2, 3, 4}, {4, 1, 1})); }, {"conv1d", "spans 4 > 3"});
  expect_error_naming<ShapeError>([&] { conv1d(x, t64({1}, {1, 1, 1}), {}, "full"); }, {"conv1d", "\"full\""});
  expect_error_naming<ShapeError>([&] { conv1d(x, t64({1}, {1, 1, 1}), {0}); }, {"conv1d", "strides [0]"});
  expect_error_naming<ShapeError>([&] { conv1d(t64({1, 2}, {2, 1}), t64({1}, {1, 1, 1})); }, {"conv1d", "rank 3"});
}

}  // namespace tc::test
