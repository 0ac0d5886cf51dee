#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs times(std::vector<std::int64_t> m) {
  OpAttrs a;
  a.multiples = std::move(m);
  return a;
}
}  // namespace

TEST(Tile, CopiesAndTheGradientSumsThem) {
  // [[1,2]] tiled [2,2]: [[1,2,1,2],[1,2,1,2]]; x_j is read 4 times: dx_j = sum of its copies' U.
  OpCase c{"tile", {t64({1, 2}, {1, 2})}, times({2, 2}), {1, 2, 1, 2, 1, 2, 1, 2}, {{{1 + 3 + 5 + 7, 2 + 4 + 6 + 8}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8};
  expect_ad(c);
  EXPECT_EQ(tile(t64({1, 2}, {1, 2}), {2, 2}).shape(), (Shape{2, 4}));
}

TEST(Tile, ZeroMultipleGivesAnEmptyAxisAndBadMultiplesRaise) {
  EXPECT_EQ(tile(t64({1, 2}, {2}), {0}).shape(), (Shape{0}));
  expect_error_naming<ShapeError>([] { tile(t64({1, 2}, {2}), {1, 1}); }, {"tile", "multiples", "[2]"});
  expect_error_naming<ShapeError>([] { tile(t64({1, 2}, {2}), {-1}); }, {"tile", "negative"});
}

}  // namespace tc::test
