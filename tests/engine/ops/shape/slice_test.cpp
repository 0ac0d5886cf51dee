#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

namespace {
Tensor iota34() {  // [[0,1,2,3],[4,5,6,7],[8,9,10,11]]
  return t64({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
}
}  // namespace

TEST(Slice, InteriorBlockAndGradientPlacedIntoZeros) {
  // rows 1..2, columns 1..3 (size -1 = to the end).
  OpAttrs a;
  a.begin = {1, 1};
  a.size = {2, -1};
  OpCase c{"slice", {iota34()}, a, {5, 6, 7, 9, 10, 11},
           {{{0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6};
  expect_ad(c);
  EXPECT_EQ(slice(iota34(), {1, 1}, {2, -1}).shape(), (Shape{2, 3}));
}

TEST(Slice, ZerosOnBothSidesOfAnAxis) {
  OpAttrs a;
  a.begin = {1};
  a.size = {2};
  expect_ad({"slice", {t64({1, 2, 3, 4}, {4})}, a, {2, 3}, {{{0, 1, 1, 0}}}});
}

TEST(Slice, WholeTensorAndEmptySlice) {
  OpAttrs all;
  all.begin = {0, 0};
  all.size = {-1, -1};
  expect_ad({"slice", {t64({1, 2, 3, 4}, {2, 2})}, all, {1, 2, 3, 4}, {{{1, 1, 1, 1}}}});
  OpAttrs none;
  none.begin = {1, 0};
  none.size = {0, 2};
  // Nothing selected: the gradient is zeros (defined, not None).
  expect_ad({"slice", {t64({1, 2, 3, 4}, {2, 2})}, none, {}, {{{0, 0, 0, 0}}}});
}

TEST(Slice, SecondOrder) {
  // d/dx sum(slice(x)²) = 2x on the block, 0 elsewhere; second derivative 2 on the block.
  const auto [d1, d2] = second_order(t64({1, 2, 3}, {3}), [](const Tensor& x) {
    const Tensor s = slice(x, {1}, {-1});
    return s * s;
  });
  expect_values_near(d1, {0, 4, 6}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {0, 2, 2}, DType::f64, "second");
}

TEST(Slice, OutOfBoundsNamesTheShape) {
  expect_error_naming<ShapeError>([] { slice(iota34(), {2, 0}, {2, 1}); },
                                  {"[3,4]", "[2,0]", "[2,1]"});
  expect_error_naming<ShapeError>([] { slice(iota34(), {-1, 0}, {1, 1}); }, {"[3,4]"});
  expect_error_naming<ShapeError>([] { slice(iota34(), {0}, {1}); }, {"[3,4]"});
}

}  // namespace tc::test
