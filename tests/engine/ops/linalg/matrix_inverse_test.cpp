#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(MatrixInverse, TwoByTwoAndTheGradientIsMinusYtGYt) {
  // A = [[4,7],[2,6]], det 10: Y = [[0.6,-0.7],[-0.2,0.4]]. With G = ones,
  // Yᵀ·G = [[0.4,0.4],[-0.3,-0.3]] and -(Yᵀ·G)·Yᵀ = [[0.04,-0.08],[-0.03,0.06]].
  expect_ad({"matrix_inverse", {t64({4, 7, 2, 6}, {2, 2})}, {}, {0.6, -0.7, -0.2, 0.4}, {{{0.04, -0.08, -0.03, 0.06}}}});
}

TEST(MatrixInverse, BatchedWithPivotingAndOneByOne) {
  // [[0,1],[1,0]] needs a row swap (its own inverse); [[2]] inverts to [[0.5]], d/da (1/a) = -1/a².
  expect_ad({"matrix_inverse", {t64({0, 1, 1, 0, 2, 0, 0, 4}, {2, 2, 2})}, {}, {0, 1, 1, 0, 0.5, 0, 0, 0.25},
             {{{-1, -1, -1, -1, -0.25, -0.125, -0.125, -0.0625}}}});
  expect_ad({"matrix_inverse", {t64({2}, {1, 1})}, {}, {0.5}, {{{-0.25}}}});
}

TEST(MatrixInverse, SecondOrderIsRecorded) {
  // d/da (1/a) = -1/a², d²/da² = 2/a³: at a = 2, -0.25 and 0.25.
  const auto [d1, d2] = second_order(t64({2}, {1, 1}), [](const Tensor& x) { return matrix_inverse(x); });
  expect_values_near(d1, {-0.25}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {0.25}, DType::f64, "second");
}

TEST(MatrixInverse, SingularAndNonSquareRaise) {
  expect_error_naming<Error>([] { matrix_inverse(t64({1, 2, 2, 4}, {2, 2})); }, {"matrix_inverse", "singular"});
  expect_error_naming<ShapeError>([] { matrix_inverse(t64({1, 2, 3, 4, 5, 6}, {2, 3})); },
                                  {"matrix_inverse", "square", "[2,3]"});
}

}  // namespace tc::test
