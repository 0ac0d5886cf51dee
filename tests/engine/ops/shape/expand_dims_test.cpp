#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(ExpandDims, InsertsAxisAndGradientIsUpstreamReshaped) {
  OpAttrs a;
  a.axis = 1;
  OpCase c{"expand_dims", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, a, {1, 2, 3, 4, 5, 6},
           {{{6, 5, 4, 3, 2, 1}}}};
  c.upstream = std::vector<double>{6, 5, 4, 3, 2, 1};
  expect_ad(c);
  const Tensor x = t64({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(expand_dims(x, 0).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(expand_dims(x, 1).shape(), (Shape{2, 1, 3}));
  EXPECT_EQ(expand_dims(x, 2).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(expand_dims(x, -1).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(expand_dims(x, -3).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(expand_dims(scalar64(2), 0).shape(), (Shape{1}));
}

TEST(ExpandDims, AxisOutOfRangeIsAShapeError) {
  expect_error_naming<ShapeError>([] { expand_dims(t64({1, 2}, {2}), 2); }, {"expand_dims", "2"});
  expect_error_naming<ShapeError>([] { expand_dims(t64({1, 2}, {2}), -3); }, {"expand_dims"});
}

}  // namespace tc::test
