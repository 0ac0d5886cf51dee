#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs axes(std::vector<std::int64_t> a) {
  OpAttrs attrs;
  attrs.axes = std::move(a);
  return attrs;
}
}  // namespace

TEST(Reverse, OneAxisAndTheGradientComesBackReversed) {
  // [[1,2,3],[4,5,6]] reversed along axis 1: [[3,2,1],[6,5,4]]; dx[i,j] = U[i, 2-j].
  OpCase c{"reverse", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, axes({1}), {3, 2, 1, 6, 5, 4}, {{{30, 20, 10, 60, 50, 40}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40, 50, 60};
  expect_ad(c);
}

TEST(Reverse, BothAxesNegativeAxisAndEmptyList) {
  OpCase c{"reverse", {t64({1, 2, 3, 4}, {2, 2})}, axes({0, -1}), {4, 3, 2, 1}, {{{4, 3, 2, 1}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4};
  expect_ad(c);
  expect_ad({"reverse", {t64({1, 2}, {2})}, axes({}), {1, 2}, {{{1, 1}}}});
}

TEST(Reverse, AnAxisTwiceOrOutOfRangeRaises) {
  expect_error_naming<ShapeError>([] { reverse(t64({1, 2}, {2}), {0, -1}); }, {"reverse", "twice", "[2]"});
  expect_error_naming<ShapeError>([] { reverse(t64({1, 2}, {2}), {1}); }, {"reverse"});
}

}  // namespace tc::test
