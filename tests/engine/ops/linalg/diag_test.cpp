#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Diag, VectorToDiagonalMatrixAndTheGradientIsGsDiagonal) {
  OpCase c{"diag", {t64({1, 2}, {2})}, {}, {1, 0, 0, 2}, {{{10, 40}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40};
  expect_ad(c);
  expect_ad({"diag", {t64({1, 2, 3, 4}, {2, 2})}, {}, {1, 0, 0, 2, 3, 0, 0, 4}, {{{1, 1, 1, 1}}}});
}

TEST(Diag, ScalarsRaise) {
  expect_error_naming<ShapeError>([] { diag(scalar64(1)); }, {"diag", "rank", "[]"});
}

}  // namespace tc::test
