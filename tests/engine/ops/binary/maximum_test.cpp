#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/op_table.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Maximum, PicksTheLargerOperand) {
  expect_ad({"maximum", {t64({1, -2, 3}, {3}), t64({0, 5, -1}, {3})}, {}, {1, 5, 3},
             {{{1, 0, 1}}, {{0, 1, 0}}}});
}

TEST(Maximum, TieSendsTheWholeGradientToTheFirstOperand) {
  // TF: gradient to x where x >= y. Zero (not None) for the losing operand (R5).
  expect_ad({"maximum", {t64({2, -1}, {2}), t64({2, -1}, {2})}, {}, {2, -1},
             {{{1, 1}}, {{0, 0}}}});
}

TEST(Maximum, BroadcastScalarAgainstVector) {
  // max([3], []) : b's gradient counts the elements where b won.
  OpCase c{"maximum", {t64({-1, 0.5, 2}, {3}), scalar64(0.5)}, {}, {0.5, 0.5, 2},
           {{{0, 3, 4}}, {{2}}}};  // b wins at 0 (g=2); tie at 1 → a; a wins at 2
  c.upstream = std::vector<double>{2, 3, 4};
  expect_ad(c);
}

TEST(Maximum, RecordsWhichOperandWon) {
  const OpDef& op = get_op("maximum");
  const std::vector<double> a{1, 2, 3}, b{2, 2, 1};
  const TensorSpec s{DType::f64, Shape{3}};
  const In<double> in[2] = {{a.data(), s}, {b.data(), s}};
  std::vector<double> y(3);
  Branches br;
  op.forward_f64({}, in, 2, {y.data(), s}, &br);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{1, 2, 0}));
}

TEST(Maximum, IncompatibleShapesRaiseWithBothShapes) {
  try {
    maximum(t64({1, 2, 3}, {3}), t64({1, 2}, {2}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
