#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Stack, NewLeadingAndTrailingAxes) {
  // stack([1,2], [3,4]) on axis 0: [[1,2],[3,4]]; on axis -1 (= 1): [[1,3],[2,4]].
  OpAttrs a;
  OpCase c{"stack", {t64({1, 2}, {2}), t64({3, 4}, {2})}, a, {1, 2, 3, 4}, {{{10, 20}}, {{30, 40}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40};
  expect_ad(c);
  a.axis = -1;
  c = {"stack", {t64({1, 2}, {2}), t64({3, 4}, {2})}, a, {1, 3, 2, 4}, {{{10, 30}}, {{20, 40}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40};
  expect_ad(c);
  EXPECT_EQ(stack({t64({1, 2}, {2}), t64({3, 4}, {2}), t64({5, 6}, {2})}, 1).shape(), (Shape{2, 3}));
}

TEST(Stack, SecondOrderThroughUnstack) {
  const auto [d1, d2] = second_order(t64({1, 2}, {2}), [](const Tensor& x) {
    const Tensor s = stack({x, x}, 0);
    return s * s;
  });
  expect_values_near(d1, {4, 8}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {4, 4}, DType::f64, "second");
}

TEST(Stack, DifferentShapesOrDtypesRaise) {
  expect_error_naming<ShapeError>([] { stack({t64({1, 2}, {2}), t64({1, 2, 3}, {3})}); }, {"stack", "[2]", "[3]"});
  expect_error_naming<DTypeError>([] { stack({t64({1}, {1}), i32({1}, {1})}); }, {"stack", "i32"});
  expect_error_naming<ShapeError>([] { stack({t64({1}, {1})}, 3); }, {"stack"});
}

}  // namespace tc::test
