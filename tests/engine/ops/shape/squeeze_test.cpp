#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Squeeze, AllSizeOneAxesByDefault) {
  OpCase c{"squeeze", {t64({1, 2, 3, 4, 5, 6}, {1, 2, 1, 3})}, {}, {1, 2, 3, 4, 5, 6},
           {{{-1, -2, -3, -4, -5, -6}}}};
  c.upstream = std::vector<double>{-1, -2, -3, -4, -5, -6};
  expect_ad(c);
  EXPECT_EQ(squeeze(t64({1, 2, 3, 4, 5, 6}, {1, 2, 1, 3})).shape(), (Shape{2, 3}));
}

TEST(Squeeze, NamedAxesOnly) {
  OpAttrs a;
  a.axes = {-2};
  expect_ad({"squeeze", {t64({1, 2, 3, 4, 5, 6}, {1, 2, 1, 3})}, a, {1, 2, 3, 4, 5, 6},
             {{{1, 1, 1, 1, 1, 1}}}});
  EXPECT_EQ(squeeze(t64({1, 2, 3, 4, 5, 6}, {1, 2, 1, 3}), {-2}).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(squeeze(t64({1, 2, 3, 4, 5, 6}, {1, 2, 1, 3}), {0, 2}).shape(), (Shape{2, 3}));
}

TEST(Squeeze, NamingAnAxisWhoseSizeIsNotOneIsAnError) {
  expect_error_naming<ShapeError>(
      [] { squeeze(t64({1, 2, 3, 4, 5, 6}, {1, 2, 1, 3}), {1}); }, {"[1,2,1,3]", "axis 1", "2"});
  expect_error_naming<ShapeError>([] { squeeze(t64({1, 2}, {1, 2}), {2}); }, {"squeeze"});
}

}  // namespace tc::test
