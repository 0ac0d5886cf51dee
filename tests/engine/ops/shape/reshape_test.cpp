#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Reshape, SameElementsNewShapeAndGradientReshapedBack) {
  OpAttrs a;
  a.shape = {3, -1};
  OpCase c{"reshape", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, a, {1, 2, 3, 4, 5, 6},
           {{{10, 20, 30, 40, 50, 60}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40, 50, 60};  // dy/dx is the identity
  expect_ad(c);
  EXPECT_EQ(reshape(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {3, -1}).shape(), (Shape{3, 2}));
}

TEST(Reshape, ToAndFromScalar) {
  OpAttrs a;
  a.shape = {};
  expect_ad({"reshape", {t64({4}, {1, 1})}, a, {4}, {{{1}}}});
  EXPECT_EQ(reshape(t64({4}, {1, 1}), {}).shape(), Shape{});
}

TEST(Reshape, ElementCountMismatchNamesBothShapes) {
  expect_error_naming<ShapeError>([] { reshape(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {4, 2}); },
                                  {"[2,3]", "[4,2]"});
}

}  // namespace tc::test
