#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(GatherNd, ElementsWithDuplicatesAccumulateAndIndicesGetNone) {
  // params [[1,2,3],[4,5,6]], rows (1,2), (0,0), (1,2): (1,2) picked twice gets 2, the rest
  // of params 0 (not None); indices are an integer input (None).
  OpCase c{"gather_nd", {t64({1, 2, 3, 4, 5, 6}, {2, 3}), i32({1, 2, 0, 0, 1, 2}, {3, 2})}, {}, {6, 1, 6},
           {{{1, 0, 0, 0, 0, 2}}, std::nullopt}};
  expect_ad(c);
  c.upstream = std::vector<double>{1, 10, 100};
  c.expected_grads[0] = std::vector<double>{10, 0, 0, 0, 0, 1 + 100};
  expect_ad(c);
}

TEST(GatherNd, ShortRowsPickSlices) {
  // M = 1 over params [2, 2, 2]: indices [[1], [1]] pick the second 2x2 slice twice.
  OpCase c{"gather_nd", {t64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}), i32({1, 1}, {2, 1})}, {}, {5, 6, 7, 8, 5, 6, 7, 8},
           {{{0, 0, 0, 0, 2, 2, 2, 2}}, std::nullopt}};
  expect_ad(c);
}

TEST(GatherNd, SecondDerivativeIsZerosThroughTheScatter) {
  const Tensor idx = i32({1, 0}, {1, 2});
  const auto [d1, d2] = second_order(t64({1, 2, 3, 4}, {2, 2}), [&](const Tensor& p) {
    const Tensor y = gather_nd(p, idx);
    return mul(y, y);
  });
  expect_values_near(d1, {0, 0, 2 * 3, 0}, DType::f64, "first");
  ASSERT_TRUE(d2);
  expect_values_near(*d2, {0, 0, 2, 0}, DType::f64, "second");
}

TEST(GatherNd, BadIndicesRaise) {
  const Tensor p = t64({1, 2, 3, 4}, {2, 2});
  expect_error_naming<Error>([&] { gather_nd(p, i32({0, 2}, {1, 2})); }, {"gather_nd", "index 2", "[0, 2)", "axis 1"});
  expect_error_naming<ShapeError>([&] { gather_nd(p, i32({0, 0, 0}, {1, 3})); }, {"gather_nd", "3 coordinates"});
  expect_error_naming<DTypeError>([&] { gather_nd(p, t64({0, 0}, {1, 2})); }, {"gather_nd", "i32"});
}

}  // namespace tc::test
