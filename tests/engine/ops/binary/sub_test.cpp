#include <gtest/gtest.h>

#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Sub, SameShape) {
  expect_ad({"sub", {t64({5, 1}, {2}), t64({2, 3}, {2})}, {}, {3, -2}, {{{1, 1}}, {{-1, -1}}}});
}

TEST(Sub, BroadcastGradientIsReducedToEachInputShape) {
  // [2,3] - [2,1]: b's gradient is -1 summed over the three columns.
  expect_ad({"sub", {t64({1, 2, 3, 4, 5, 6}, {2, 3}), t64({10, 20}, {2, 1})}, {},
             {-9, -8, -7, -16, -15, -14}, {{{1, 1, 1, 1, 1, 1}}, {{-3, -3}}}});
}

}  // namespace tc::test
