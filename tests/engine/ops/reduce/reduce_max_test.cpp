#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceMax, AllAxesGradientToTheMaximum) {
  // The losers get zero, not None (R5).
  expect_ad({"reduce_max", {t64({1, 5, -2, 3}, {2, 2})}, {}, {5}, {{{0, 1, 0, 0}}}});
}

TEST(ReduceMax, PerRowWithUpstream) {
  OpAttrs a;
  a.axes = {1};
  OpCase c{"reduce_max", {t64({1, 7, 2, -4, -3, -9}, {2, 3})}, a, {7, -3},
           {{{0, 2, 0, 0, 5, 0}}}};
  c.upstream = std::vector<double>{2, 5};
  expect_ad(c);
}

TEST(ReduceMax, TiesSplitTheGradientEvenly) {
  // Row 0: three-way tie at 4 → 1/3 each; row 1: two-way tie at -1 → 1/2 each.
  OpAttrs a;
  a.axes = {-1};
  a.keepdims = true;
  const double t = 1.0 / 3;
  expect_ad({"reduce_max", {t64({4, 4, 1, 4, -1, -2, -1, -5}, {2, 4})}, a, {4, -1},
             {{{t, t, 0, t, 0.5, 0, 0.5, 0}}}});
}

TEST(ReduceMax, ReducesTheLeadingAxis) {
  OpAttrs a;
  a.axes = {0};
  expect_ad({"reduce_max", {t64({1, 8, 3, 2, 6, 3}, {2, 3})}, a, {2, 8, 3},
             {{{0, 1, 0.5, 1, 0, 0.5}}}});
}

TEST(ReduceMax, RecordsTheWinnerOrTheSizeOfATie) {
  // A tie of k records -k: a step that turns a three-way tie into a two-way one (on one side
  // of a difference stencil) is a kink the stencil must see (soak run 4, graph 202538).
  const auto sides = [](const std::vector<double>& x) {
    const OpDef& op = get_op("reduce_max");
    OpAttrs a;
    a.axes = {1};
    const In<double> in{x.data(), {DType::f64, Shape{2, 3}}};
    std::vector<double> y(2);
    Branches br;
    op.forward_f64(a, &in, 1, {y.data(), {DType::f64, Shape{2}}}, &br);
    return br.sides;
  };
  EXPECT_EQ(sides({1, 3, 2, 5, 5, 0}), (std::vector<std::int32_t>{1, -2}));
  EXPECT_EQ(sides({1, 3, 2, 5, 5, 5}), (std::vector<std::int32_t>{1, -3}));
  EXPECT_NE(sides({1, 3, 2, 5, 5, 5}), sides({1, 3, 2, 5, 5, 4.9}));
}

TEST(ReduceMax, AxisOutOfRangeNamesTheShape) {
  try {
    reduce_max(t64({1, 2, 3}, {3}), {-2});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
