#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs slice_at(std::int64_t index, std::int64_t axis) {
  OpAttrs a;
  a.index = index;
  a.axis = axis;
  return a;
}
}  // namespace

TEST(Unstack, ARowAndAColumnAndTheGradientFillsItsSlice) {
  // [[1,2,3],[4,5,6]]: slice 1 along axis 0 is [4,5,6]; slice 2 along axis -1 is [3,6].
  OpCase c{"unstack", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, slice_at(1, 0), {4, 5, 6}, {{{0, 0, 0, 7, 8, 9}}}};
  c.upstream = std::vector<double>{7, 8, 9};
  expect_ad(c);
  c = {"unstack", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, slice_at(2, -1), {3, 6}, {{{0, 0, 7, 0, 0, 8}}}};
  c.upstream = std::vector<double>{7, 8};
  expect_ad(c);
}

TEST(Unstack, IndexOutOfRangeAndScalarsRaise) {
  expect_error_naming<ShapeError>([] { unstack(t64({1, 2}, {2}), 2); }, {"unstack", "index 2", "[2]"});
  expect_error_naming<ShapeError>([] { unstack(scalar64(1), 0); }, {"unstack", "scalar"});
}

}  // namespace tc::test
