#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs part(std::int64_t num, std::int64_t index, std::int64_t axis) {
  OpAttrs a;
  a.num = num;
  a.index = index;
  a.axis = axis;
  return a;
}
}  // namespace

TEST(Split, EachPartAndItsGradientBlock) {
  // [[1,2,3,4],[5,6,7,8]] in 2 parts along axis 1: part 1 is [[3,4],[7,8]].
  const Tensor x = t64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 4});
  OpCase c{"split", {x}, part(2, 1, 1), {3, 4, 7, 8}, {{{0, 0, 1, 2, 0, 0, 3, 4}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4};
  expect_ad(c);
  expect_ad({"split", {x}, part(2, 0, 0), {1, 2, 3, 4}, {{{1, 1, 1, 1, 0, 0, 0, 0}}}});
  expect_ad({"split", {x}, part(4, 3, -1), {4, 8}, {{{0, 0, 0, 1, 0, 0, 0, 1}}}});
}

TEST(Split, UnevenPartsAndBadIndexRaise) {
  expect_error_naming<ShapeError>([] { split(t64({1, 2, 3}, {3}), 2, 0); }, {"split", "[3]", "2 equal parts"});
  expect_error_naming<ShapeError>([] { split(t64({1, 2}, {2}), 2, 2); }, {"split", "index 2"});
}

}  // namespace tc::test
