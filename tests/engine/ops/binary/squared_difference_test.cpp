#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(SquaredDifference, ValuesAndGradients) {
  // (a-b) = {-2, 3, 0}: y = {4, 9, 0}; da = 2(a-b), db = -2(a-b); zero (not None) at a = b.
  expect_ad({"squared_difference", {t64({1, 4, 2.5}, {3}), t64({3, 1, 2.5}, {3})}, {},
             {4, 9, 0}, {{{-4, 6, 0}}, {{4, -6, 0}}}});
}

TEST(SquaredDifference, BroadcastRowAgainstMatrix) {
  // [2,2] vs [2]: a = {{1,2},{3,4}}, b = {0.5, 3}; a-b = {{0.5,-1},{2.5,1}}.
  expect_ad({"squared_difference", {t64({1, 2, 3, 4}, {2, 2}), t64({0.5, 3}, {2})}, {},
             {0.25, 1, 6.25, 1}, {{{1, -2, 5, 2}}, {{-(1 + 5), -(-2 + 2)}}}});
}

TEST(SquaredDifference, IncompatibleShapesRaiseWithBothShapes) {
  try {
    squared_difference(t64({1, 2, 3, 4, 5, 6}, {2, 3}), t64({1, 2}, {2}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[2,3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
