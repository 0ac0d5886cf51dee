#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/nn.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Dropout, KeptScaledDroppedZeroWithZeroGradient) {
  OpCase c{"dropout", {t64({1, 2, 3, 4}, {2, 2})}, {}, {2, 0, 6, 8}, {{{2, 0, 2, 2}}}};
  c.attrs.rate = 0.5;
  c.attrs.mask = {1, 0, 1, 1};
  expect_ad(c);
}

TEST(Dropout, BadRateAndMaskRaise) {
  expect_error_naming<ShapeError>([] { dropout(t64({1, 2}, {2}), 1.0, {1, 1}); }, {"dropout", "rate"});
  expect_error_naming<ShapeError>([] { dropout(t64({1, 2}, {2}), 0.5, {1}); }, {"dropout", "mask", "[2]"});
}

}  // namespace tc::test
