#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

namespace {
OpAttrs shape_attr(std::vector<std::int64_t> shape) {
  OpAttrs a;
  a.shape = std::move(shape);
  return a;
}
}  // namespace

TEST(ScatterNd, DuplicateRowsAccumulateAndEachReadsItsSliceBack) {
  // Rows [1], [0], [1] into zeros [2, 2]: row 1 receives [1,2] + [5,6]. The gradient of each
  // update is the upstream at its slice (TF's gather_nd), the duplicate's too; indices None.
  OpCase c{"scatter_nd", {i32({1, 0, 1}, {3, 1}), t64({1, 2, 3, 4, 5, 6}, {3, 2})}, shape_attr({2, 2}),
           {3, 4, 6, 8}, {std::nullopt, {{100, 1000, 1, 10, 100, 1000}}}};
  c.upstream = std::vector<double>{1, 10, 100, 1000};
  expect_ad(c);
}

TEST(ScatterNd, FullCoordinatesWriteElements) {
  // M = 2 over [2, 2]: (0, 1) gets 5 and (1, 0) gets 7.
  OpCase c{"scatter_nd", {i32({0, 1, 1, 0}, {2, 2}), t64({5, 7}, {2})}, shape_attr({2, 2}), {0, 5, 7, 0},
           {std::nullopt, {{1, 1}}}};
  expect_ad(c);
}

TEST(ScatterNd, SecondDerivativeThroughGatherNd) {
  // s = scatter_nd([[0], [0]], u) into [2] = [u0 + u1, 0]; Σ s² has gradient 2 (u0 + u1) for
  // both and a Hessian whose row sums are 4.
  const Tensor idx = i32({0, 0}, {2, 1});
  const auto [d1, d2] = second_order(t64({1, 2}, {2}), [&](const Tensor& u) {
    const Tensor s = scatter_nd(idx, u, {2});
    return s * s;
  });
  expect_values_near(d1, {6, 6}, DType::f64, "first");
  ASSERT_TRUE(d2);
  expect_values_near(*d2, {4, 4}, DType::f64, "second");
}

TEST(ScatterNd, BadOperandsRaise) {
  const Tensor u = t64({1, 2}, {2});
  expect_error_naming<Error>([&] { scatter_nd(i32({0, 2}, {2, 1}), u, {2}); },
                             {"scatter_nd", "index 2", "[0, 2)", "axis 0"});
  expect_error_naming<ShapeError>([&] { scatter_nd(i32({0, 1}, {2, 1}), u, {2, 3}); },
                                  {"scatter_nd", "updates [2]", "shape [2,3]", "expected updates [2,3]"});
  expect_error_naming<ShapeError>([&] { scatter_nd(i32({0, 0, 0}, {1, 3}), t64({1}, {1}), {2, 2}); },
                                  {"scatter_nd", "3 coordinates"});
  expect_error_naming<DTypeError>([&] { scatter_nd(t64({0, 1}, {2, 1}), u, {2}); }, {"scatter_nd", "i32"});
}

}  // namespace tc::test
