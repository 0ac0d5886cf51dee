#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Concat, AlongLastAxisEachInputGetsItsBlockOfTheUpstream) {
  // [[1,2],[3,4]] ++ [[5],[6]] along axis 1 = [[1,2,5],[3,4,6]].
  OpAttrs a;
  a.axis = 1;
  OpCase c{"concat", {t64({1, 2, 3, 4}, {2, 2}), t64({5, 6}, {2, 1})}, a, {1, 2, 5, 3, 4, 6},
           {{{10, 20, 40, 50}}, {{30, 60}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40, 50, 60};
  expect_ad(c);
  EXPECT_EQ(concat({t64({1, 2, 3, 4}, {2, 2}), t64({5, 6}, {2, 1})}, -1).shape(), (Shape{2, 3}));
}

TEST(Concat, ThreeInputsAlongAxisZero) {
  OpAttrs a;
  a.axis = 0;
  OpCase c{"concat", {t64({1, 2}, {1, 2}), t64({3, 4, 5, 6}, {2, 2}), t64({7, 8}, {1, 2})}, a,
           {1, 2, 3, 4, 5, 6, 7, 8}, {{{1, 2}}, {{3, 4, 5, 6}}, {{7, 8}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8};
  expect_ad(c);
}

TEST(Concat, SingleInputIsTheIdentity) {
  expect_ad({"concat", {t64({1, 2, 3}, {3})}, {}, {1, 2, 3}, {{{1, 1, 1}}}});
}

TEST(Concat, SecondOrderThroughSliceAndConcat) {
  // d/dx sum(concat(x², x)) = 2x + 1, recorded; d/dx sum(2x + 1) = 2.
  const auto [d1, d2] =
      second_order(t64({1.5, -2}, {2}), [](const Tensor& x) { return concat({x * x, x}, 0); });
  expect_values_near(d1, {4, -3}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {2, 2}, DType::f64, "second");
}

TEST(Concat, MismatchedShapesNameBoth) {
  expect_error_naming<ShapeError>(
      [] { concat({t64({1, 2, 3, 4}, {2, 2}), t64({5, 6, 7}, {3, 1})}, 1); },
      {"[2,2]", "[3,1]", "axis 1"});
  expect_error_naming<ShapeError>([] { concat({t64({1, 2}, {2}), t64({5, 6}, {1, 2})}, 0); },
                                  {"[2]", "[1,2]"});
  expect_error_naming<ShapeError>([] { concat({t64({1, 2}, {2})}, 1); }, {"axis 1"});
}

TEST(Concat, MixedDtypesAreADTypeError) {
  expect_error_naming<DTypeError>(
      [] { concat({t64({1}, {1}), Tensor::constant({2}, Shape{1}, DType::f32)}, 0); },
      {"f32", "f64"});
}

}  // namespace tc::test
