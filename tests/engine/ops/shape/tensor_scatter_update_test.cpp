#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/shape/shape.hpp"
#include "engine/tape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(TensorScatterUpdate, WrittenSlicesTakeTheUpdatesAndTheirGradient) {
  // Rows [2] and [0] of tensor [3, 2] overwritten: tensor's gradient is the upstream with
  // those rows zeroed, the updates' the upstream at their rows; indices None.
  OpCase c{"tensor_scatter_update",
           {t64({1, 2, 3, 4, 5, 6}, {3, 2}), i32({2, 0}, {2, 1}), t64({10, 20, 30, 40}, {2, 2})},
           {},
           {30, 40, 3, 4, 10, 20},
           {{{0, 0, 3, 4, 0, 0}}, std::nullopt, {{5, 6, 1, 2}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6};
  expect_ad(c);
}

TEST(TensorScatterUpdate, FullCoordinatesWriteOneElement) {
  OpCase c{"tensor_scatter_update", {t64({1, 2, 3, 4}, {2, 2}), i32({0, 1}, {1, 2}), t64({9}, {1})}, {},
           {1, 9, 3, 4}, {{{1, 0, 1, 1}}, std::nullopt, {{1}}}};
  expect_ad(c);
}

TEST(TensorScatterUpdate, SecondDerivativeIsTheMask) {
  // Σ y² with y = t, t[1] overwritten by 5: the gradient 2 t off the written element, 0 on it;
  // the second derivative 2 off it, 0 on it.
  const Tensor idx = i32({1}, {1, 1});
  const Tensor u = t64({5}, {1});
  const auto [d1, d2] = second_order(t64({1, 2, 3}, {3}), [&](const Tensor& t) {
    const Tensor y = tensor_scatter_update(t, idx, u);
    return y * y;
  });
  expect_values_near(d1, {2, 0, 6}, DType::f64, "first");
  ASSERT_TRUE(d2);
  expect_values_near(*d2, {2, 0, 2}, DType::f64, "second");
}

// Duplicate rows: TF's CPU kernel writes the rows in order (the last one is kept) and its
// gradient (_TensorScatterUpdateGrad) gives every row the upstream at its slice, the
// overwritten one too, whose true derivative is 0. The engine does both as TF; the row leaves
// such indices out of the op's domain, so the oracles never judge them.
TEST(TensorScatterUpdate, DuplicateRowsKeepTheLastWriteAndAreOutsideTheDomain) {
  const Tensor t = t64({1, 2}, {2});
  const Tensor u = t64({5, 7}, {2});
  const Tensor dup = i32({0, 0}, {2, 1});
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(u);
    y = tensor_scatter_update(t, dup, u);
  }
  expect_values_near(y, {7, 2}, DType::f64, "value");
  const auto g = tape.gradient(y, u);
  ASSERT_TRUE(g);
  expect_values_near(*g, {1, 1}, DType::f64, "TF's gradient for both writes");

  const OpDef& row = op_tensor_scatter_update;
  ASSERT_TRUE(row.accepts_operand);
  const std::vector<double> duplicate{0, 0}, distinct{1, 0};
  EXPECT_FALSE(row.accepts_operand(1, {DType::i32, Shape{2, 1}}, duplicate.data(), 1.0));
  EXPECT_TRUE(row.accepts_operand(1, {DType::i32, Shape{2, 1}}, distinct.data(), 1.0));
}

TEST(TensorScatterUpdate, SampledRowsAreDistinct) {
  struct Counter final : Draw {
    std::int64_t n = 0;
    double uniform(double lo, double) override { return lo; }
    std::int64_t integer(std::int64_t lo, std::int64_t hi) override { return lo + (n++ % (hi - lo + 1)); }
  } draw;
  const OpDef& row = op_tensor_scatter_update;
  for (int trial = 0; trial < 20; ++trial) {
    const TensorSpec tensor{DType::f64, row.sample_shape(0, nullptr, 0, 64, draw)};
    const TensorSpec indices{DType::i32, row.sample_shape(1, &tensor, 1, 64, draw)};
    const std::vector<double> values = row.sample_input(1, indices, draw);
    ASSERT_EQ(static_cast<std::int64_t>(values.size()), indices.shape.numel());
    EXPECT_TRUE(row.accepts_operand(1, indices, values.data(), 1.0)) << indices.shape.str();
    for (double v : values) EXPECT_TRUE(v == 0 || v == 1);
  }
}

TEST(TensorScatterUpdate, BadOperandsRaise) {
  const Tensor t = t64({1, 2, 3, 4}, {2, 2});
  expect_error_naming<Error>([&] { tensor_scatter_update(t, i32({2}, {1, 1}), t64({1, 2}, {1, 2})); },
                             {"tensor_scatter_update", "index 2", "[0, 2)", "axis 0"});
  expect_error_naming<ShapeError>([&] { tensor_scatter_update(t, i32({1}, {1, 1}), t64({1, 2, 3}, {1, 3})); },
                                  {"tensor_scatter_update", "updates [1,3]", "expected updates [1,2]"});
  expect_error_naming<DTypeError>([&] { tensor_scatter_update(t, i32({1}, {1, 1}), Tensor::constant({1, 2}, Shape{1, 2}, DType::f32)); },
                                  {"tensor_scatter_update", "f32", "f64"});
}

}  // namespace tc::test
