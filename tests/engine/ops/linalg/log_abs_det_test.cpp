#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(LogAbsDet, NegativeDeterminantAndTheGradientIsTheInverseTransposed) {
  // [[1,2],[3,4]]: det -2, log|det| = log 2; A⁻ᵀ = [[-2,1.5],[1,-0.5]].
  expect_ad({"log_abs_det", {t64({1, 2, 3, 4}, {2, 2})}, {}, {std::log(2.0)}, {{{-2, 1.5, 1, -0.5}}}});
}

TEST(LogAbsDet, BatchOfDiagonals) {
  // diag(2, 3) and diag(-1, 0.5): log 6 and log 0.5; gradients 1/d on the diagonal.
  expect_ad({"log_abs_det", {t64({2, 0, 0, 3, -1, 0, 0, 0.5}, {2, 2, 2})}, {}, {std::log(6.0), std::log(0.5)},
             {{{0.5, 0, 0, 1.0 / 3, -1, 0, 0, 2}}}});
}

TEST(LogAbsDet, SingularIsMinusInfinity) {
  EXPECT_EQ(log_abs_det(t64({1, 2, 2, 4}, {2, 2}))[0], -INFINITY);
  expect_error_naming<ShapeError>([] { log_abs_det(t64({1, 2, 3, 4, 5, 6}, {3, 2})); }, {"log_abs_det", "[3,2]"});
}

}  // namespace tc::test
