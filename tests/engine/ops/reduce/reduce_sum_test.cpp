#include <gtest/gtest.h>

#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceSum, AllAxes) {
  expect_ad({"reduce_sum", {t64({1, 2, 3, 4}, {2, 2})}, {}, {10}, {{{1, 1, 1, 1}}}});
}

TEST(ReduceSum, OneAxisKeepdims) {
  OpAttrs a;
  a.axes = {1};
  a.keepdims = true;
  OpCase c{"reduce_sum", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, a, {6, 15}, {{{2, 2, 2, -1, -1, -1}}}};
  c.upstream = std::vector<double>{2, -1};
  expect_ad(c);
}

TEST(ReduceSum, NegativeAxis) {
  OpAttrs a;
  a.axes = {-2};
  expect_ad({"reduce_sum", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, a, {5, 7, 9}, {{{1, 1, 1, 1, 1, 1}}}});
}

}  // namespace tc::test
