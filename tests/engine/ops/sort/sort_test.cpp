#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/sort/sort.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {
OpAttrs along(std::int64_t axis, bool descending = false) {
  OpAttrs a;
  a.axis = axis;
  a.descending = descending;
  return a;
}
}  // namespace

TEST(Sort, ValuesAndTheGradientFollowsThePermutation) {
  // x = {3, 1, 2} sorts to {1, 2, 3}; upstream {10, 20, 30} goes back to x's positions:
  // x0 = 3 took place 2 (30), x1 = 1 place 0 (10), x2 = 2 place 1 (20).
  OpCase c{"sort", {t64({3, 1, 2}, {3})}, along(0), {1, 2, 3}, {{{30, 10, 20}}}};
  c.upstream = std::vector<double>{10, 20, 30};
  expect_ad(c);
}

TEST(Sort, DescendingAlongTheFirstAxis) {
  // Columns of [[1, 5], [4, 2]] descending: [[4, 5], [1, 2]]; upstream {1, 2, 3, 4}.
  OpCase c{"sort", {t64({1, 5, 4, 2}, {2, 2})}, along(0, true), {4, 5, 1, 2}, {{{3, 2, 1, 4}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4};
  expect_ad(c);
}

TEST(Sort, TiesAreStableAndRecorded) {
  // x = {2, 1, 2}: the first 2 (index 0) comes before the second (index 2) in both directions.
  OpCase c{"sort", {t64({2, 1, 2}, {3})}, along(0), {1, 2, 2}, {{{20, 10, 30}}}};
  c.upstream = std::vector<double>{10, 20, 30};
  expect_ad(c);
  Branches b;
  run_kernel<double>("sort", {t64({2, 1, 2}, {3})}, along(0, true), &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{0, 2, 1}));
}

TEST(Sort, NaNSortsLast) {
  const Tensor y = sort(t64({NAN, 1, -1}, {3}));
  EXPECT_EQ(y[0], -1);
  EXPECT_EQ(y[1], 1);
  EXPECT_TRUE(std::isnan(y[2]));
}

TEST(Sort, ScalarAndBadAxisRaise) {
  EXPECT_THROW(sort(scalar64(1)), ShapeError);
  EXPECT_THROW(sort(t64({1, 2}, {2}), 1), ShapeError);
}

}  // namespace tc::test
