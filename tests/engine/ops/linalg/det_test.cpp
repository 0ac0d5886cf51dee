#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Det, JacobisFormulaIsTheCofactors) {
  // det [[4,7],[2,6]] = 10; ∂det/∂a_ij is the cofactor: [[6,-2],[-7,4]].
  expect_ad({"det", {t64({4, 7, 2, 6}, {2, 2})}, {}, {10}, {{{6, -2, -7, 4}}}});
}

TEST(Det, RowSwapSignAndBatch) {
  // [[0,2],[3,1]]: det -6 (LU swaps the rows); cofactors [[1,-3],[-2,0]]. [[5]]: 5, gradient 1.
  OpCase c{"det", {t64({0, 2, 3, 1, 1, 0, 0, 1}, {2, 2, 2})}, {}, {-6, 1}, {{{1, -3, -2, 0, 1, 0, 0, 1}}}};
  expect_ad(c);
  expect_ad({"det", {t64({5}, {1, 1})}, {}, {5}, {{{1}}}});
}

TEST(Det, ThreeByThree) {
  // [[2,0,1],[1,3,0],[0,1,4]]: det = 2·12 - 0 + 1·1 = 25; cofactor matrix
  // [[12,-4,1],[1,8,-2],[-3,1,6]].
  expect_ad({"det", {t64({2, 0, 1, 1, 3, 0, 0, 1, 4}, {3, 3})}, {}, {25}, {{{12, -4, 1, 1, 8, -2, -3, 1, 6}}}});
}

TEST(Det, SingularIsZeroAndNonSquareRaises) {
  EXPECT_EQ(det(t64({1, 2, 2, 4}, {2, 2}))[0], 0);
  expect_error_naming<ShapeError>([] { det(t64({1, 2}, {2})); }, {"det", "square", "[2]"});
}

}  // namespace tc::test
