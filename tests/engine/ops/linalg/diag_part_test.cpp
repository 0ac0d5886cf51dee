#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(DiagPart, SquareWideAndBatched) {
  expect_ad({"diag_part", {t64({1, 2, 3, 4}, {2, 2})}, {}, {1, 4}, {{{1, 0, 0, 1}}}});
  // [[1,2,3],[4,5,6]]: the diagonal has min(2, 3) = 2 entries, 1 and 5.
  OpCase c{"diag_part", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, {}, {1, 5}, {{{7, 0, 0, 0, 8, 0}}}};
  c.upstream = std::vector<double>{7, 8};
  expect_ad(c);
  expect_ad({"diag_part", {t64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2})}, {}, {1, 4, 5, 8}, {{{1, 0, 0, 1, 1, 0, 0, 1}}}});
}

TEST(DiagPart, VectorsRaise) {
  expect_error_naming<ShapeError>([] { diag_part(t64({1, 2}, {2})); }, {"diag_part", "rank", "[2]"});
}

}  // namespace tc::test
