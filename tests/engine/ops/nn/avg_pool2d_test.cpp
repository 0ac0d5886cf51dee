#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/conv.hpp"
#include "tests/engine/ops/nn/window_attrs.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(AvgPool2d, OneWindowIsTheMean) {
  expect_ad({"avg_pool2d", {t64({1, 2, 3, 4}, {1, 2, 2, 1})}, pool_attrs({2, 2}, {}, "valid"), {2.5},
             {{{0.25, 0.25, 0.25, 0.25}}}});
}

TEST(AvgPool2d, SamePaddingIsLeftOutOfTheMean) {
  // A 1x3 row [1, 2, 4], 1x2 windows, stride 2, "same": [1, 2] and [4, pad]; the second
  // window's mean is over its one element (TF), not 4/2.
  expect_ad({"avg_pool2d", {t64({1, 2, 4}, {1, 1, 3, 1})}, pool_attrs({1, 2}, {1, 2}, "same"), {1.5, 4},
             {{{0.5, 0.5, 1}}}});
}

TEST(AvgPool2d, ABatchOfTwoChannels) {
  // Per image and channel, the mean of two positions.
  expect_ad({"avg_pool2d", {t64({1, 10, 3, 30, 2, 20, 4, 40}, {2, 1, 2, 2})}, pool_attrs({1, 2}, {}, "valid"),
             {2, 20, 3, 30}, {{{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}}}});
}

TEST(AvgPool2d, BadOperandRaises) {
  expect_error_naming<ShapeError>([] { avg_pool2d(t64({1, 2}, {1, 2}), {1, 1}); }, {"avg_pool2d", "rank 4"});
}

}  // namespace tc::test
