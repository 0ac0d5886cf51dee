#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Trace, SquareWideAndBatched) {
  expect_ad({"trace", {t64({1, 2, 3, 4}, {2, 2})}, {}, {5}, {{{1, 0, 0, 1}}}});
  expect_ad({"trace", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, {}, {6}, {{{1, 0, 0, 0, 1, 0}}}});
  // Two matrices, upstream {2, 3}: each diagonal gets its matrix's upstream.
  OpCase c{"trace", {t64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2})}, {}, {5, 13}, {{{2, 0, 0, 2, 3, 0, 0, 3}}}};
  c.upstream = std::vector<double>{2, 3};
  expect_ad(c);
}

TEST(Trace, SecondOrder) {
  // d/dx trace(x)² = 2 trace(x) I; summed and differentiated again: 2·(number of diagonal
  // entries) on the diagonal.
  const auto [d1, d2] = second_order(t64({1, 2, 3, 4}, {2, 2}), [](const Tensor& x) {
    const Tensor t = trace(x);
    return t * t;
  });
  expect_values_near(d1, {10, 0, 0, 10}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {4, 0, 0, 4}, DType::f64, "second");
}

TEST(Trace, VectorsRaise) {
  expect_error_naming<ShapeError>([] { trace(t64({1, 2}, {2})); }, {"trace", "rank", "[2]"});
}

}  // namespace tc::test
