#include <gtest/gtest.h>

#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Mul, SameShape) {
  expect_ad({"mul", {t64({1, 2}, {2}), t64({3, -4}, {2})}, {}, {3, -8}, {{{3, -4}}, {{1, 2}}}});
}

TEST(Mul, ScalarBroadcast) {
  expect_ad({"mul", {t64({1, 2, 3}, {3}), scalar64(2)}, {}, {2, 4, 6}, {{{2, 2, 2}}, {{6}}}});
}

}  // namespace tc::test
