#include <gtest/gtest.h>

#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Div, SameShape) {
  // da = 1/b, db = -a/b².
  expect_ad({"div", {t64({3, -1}, {2}), t64({2, 0.5}, {2})}, {}, {1.5, -2},
             {{{0.5, 2}}, {{-0.75, 4}}}});
}

TEST(Div, BroadcastDivisorAlongRows) {
  // [2,2] / [2]: a = {{1,2},{3,4}}, b = {2, -4}.
  //   da = 1/b per column; db_j = -Σ_i a_ij / b_j².
  expect_ad({"div", {t64({1, 2, 3, 4}, {2, 2}), t64({2, -4}, {2})}, {},
             {0.5, -0.5, 1.5, -1}, {{{0.5, -0.25, 0.5, -0.25}}, {{-(1 + 3) / 4.0, -(2 + 4) / 16.0}}}});
}

}  // namespace tc::test
