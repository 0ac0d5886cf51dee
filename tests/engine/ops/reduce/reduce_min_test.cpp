#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceMin, AllAxesGradientToTheMinimum) {
  expect_ad({"reduce_min", {t64({1, 5, -2, 3}, {4})}, {}, {-2}, {{{0, 0, 1, 0}}}});
}

TEST(ReduceMin, TiesSplitTheGradientEvenly) {
  // Columns of [3,2]: column 0 = {2, 0, 0} (tie at 0), column 1 = {-1, -1, -1} (three-way).
  OpAttrs a;
  a.axes = {0};
  const double t = 1.0 / 3;
  OpCase c{"reduce_min", {t64({2, -1, 0, -1, 0, -1}, {3, 2})}, a, {0, -1},
           {{{0, 3 * t, 2 * 0.5, 3 * t, 2 * 0.5, 3 * t}}}};
  c.upstream = std::vector<double>{2, 3};
  expect_ad(c);
}

TEST(ReduceMin, RecordsTheWinnerOrTheSizeOfATie) {
  const OpDef& op = get_op("reduce_min");
  const std::vector<double> x{4, 2, 7, 2};
  const In<double> in{x.data(), {DType::f64, Shape{4}}};
  double y = 0;
  Branches br;
  op.forward_f64({}, &in, 1, {&y, {DType::f64, Shape{}}}, &br);
  EXPECT_EQ(y, 2);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{-2}));
  const std::vector<double> x2{4, 2, 7, 3};
  const In<double> in2{x2.data(), {DType::f64, Shape{4}}};
  Branches br2;
  op.forward_f64({}, &in2, 1, {&y, {DType::f64, Shape{}}}, &br2);
  EXPECT_EQ(br2.sides, (std::vector<std::int32_t>{1}));
}

TEST(ReduceMin, IntegerInputRaises) {
  EXPECT_THROW(reduce_min(Tensor::constant({1, 2}, Shape{2}, DType::i32)), DTypeError);
}

}  // namespace tc::test
