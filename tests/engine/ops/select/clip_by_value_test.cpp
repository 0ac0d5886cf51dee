#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/select/select.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

namespace {
OpAttrs bounds(double lo, double hi) {
  OpAttrs a;
  a.lo = lo;
  a.hi = hi;
  return a;
}
}  // namespace

TEST(ClipByValue, InsideOutsideAndBothBoundsInclusive) {
  // lo = -1, hi = 2. At x = lo and x = hi the gradient passes (1): TF's lo <= x <= hi.
  // Outside it is 0 — a value, not None.
  expect_ad({"clip_by_value", {t64({-3, -1, 0.5, 2, 5}, {5})}, bounds(-1, 2),
             {-1, -1, 0.5, 2, 2}, {{{0, 1, 1, 1, 0}}}});
}

TEST(ClipByValue, AllOutsideGivesZerosNotNone) {
  OpCase c{"clip_by_value", {t64({-4, 9}, {2})}, bounds(0, 1), {0, 1}, {{{0, 0}}}};
  c.upstream = std::vector<double>{3, -2};
  expect_ad(c);
}

TEST(ClipByValue, DegenerateIntervalPassesOnlyAtThePoint) {
  expect_ad({"clip_by_value", {t64({-1, 0.5, 2}, {3})}, bounds(0.5, 0.5), {0.5, 0.5, 0.5},
             {{{0, 1, 0}}}});
}

TEST(ClipByValue, F32BoundsAreRoundedToF32) {
  // x = 0.1f lies above the double 0.1 and -0.3f below -0.3, but TF and torch round the
  // bounds to x's dtype: both are at a bound, inside (gradient 1), not clipped (0). In f64
  // they are at the bounds exactly.
  expect_ad({"clip_by_value", {t64({0.1, -0.3}, {2})}, bounds(-0.3, 0.1), {0.1, -0.3}, {{{1, 1}}}});
  // The forward's branches decide alike, on the same rounded bounds.
  const OpDef& op = get_op("clip_by_value");
  const std::vector<double> x{static_cast<float>(0.1), static_cast<float>(-0.3)};
  const TensorSpec s{DType::f32, Shape{2}};
  const In<double> in[1] = {{x.data(), s}};
  std::vector<double> y(2);
  Branches br;
  op.forward_f64(bounds(-0.3, 0.1), in, 1, {y.data(), s}, &br);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{0, 0}));
  EXPECT_EQ(y, x);
}

TEST(ClipByValue, BranchesAreMinusOneZeroPlusOne) {
  const OpDef& op = get_op("clip_by_value");
  const std::vector<double> x{-3, -1, 0.5, 2, 5};
  const TensorSpec s{DType::f64, Shape{5}};
  const In<double> in[1] = {{x.data(), s}};
  std::vector<double> y(5);
  Branches br;
  op.forward_f64(bounds(-1, 2), in, 1, {y.data(), s}, &br);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{-1, 0, 0, 0, 1}));
}

TEST(ClipByValue, Errors) {
  expect_error_naming<Error>([] { clip_by_value(t64({1}, {1}), 2, 1); }, {"lo", "hi"});
  expect_error_naming<DTypeError>(
      [] { clip_by_value(Tensor::constant({1}, Shape{1}, DType::i32), 0, 1); }, {"i32"});
}

}  // namespace tc::test
