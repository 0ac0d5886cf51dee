#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs masked(std::vector<std::int64_t> mask, std::int64_t axis) {
  OpAttrs a;
  a.mask = std::move(mask);
  a.axis = axis;
  return a;
}
}  // namespace

TEST(BooleanMask, KeptEntriesInOrderAndZerosForTheDropped) {
  // [[1,2,3],[4,5,6]] with mask [1,0,1] on axis 1: [[1,3],[4,6]]; dropped column gets 0.
  OpCase c{"boolean_mask", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, masked({1, 0, 1}, 1), {1, 3, 4, 6},
           {{{10, 0, 20, 30, 0, 40}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40};
  expect_ad(c);
  expect_ad({"boolean_mask", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, masked({0, 1}, 0), {4, 5, 6}, {{{0, 0, 0, 1, 1, 1}}}});
}

TEST(BooleanMask, AllDroppedIsEmptyAndBadMasksRaise) {
  EXPECT_EQ(boolean_mask(t64({1, 2}, {2}), {0, 0}).shape(), (Shape{0}));
  expect_error_naming<ShapeError>([] { boolean_mask(t64({1, 2}, {2}), {1}); }, {"boolean_mask", "mask", "[2]"});
  expect_error_naming<ShapeError>([] { boolean_mask(t64({1, 2}, {2}), {1, 2}); }, {"boolean_mask", "not 0 or 1"});
}

}  // namespace tc::test
