#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/op_table.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Minimum, PicksTheSmallerOperand) {
  expect_ad({"minimum", {t64({1, -2, 3}, {3}), t64({0, 5, -1}, {3})}, {}, {0, -2, -1},
             {{{0, 1, 0}}, {{1, 0, 1}}}});
}

TEST(Minimum, TieSendsTheWholeGradientToTheFirstOperand) {
  // TF: gradient to x where x <= y. Zero (not None) for the losing operand (R5).
  expect_ad({"minimum", {t64({0.5, -3}, {2}), t64({0.5, -3}, {2})}, {}, {0.5, -3},
             {{{1, 1}}, {{0, 0}}}});
}

TEST(Minimum, BroadcastColumnAgainstRow) {
  // [2,1] vs [1,2] -> [2,2]: a = {1, 3}, b = {2, 1}.
  //   row 0: min(1,2)=1 (a), min(1,1)=1 (tie → a);  row 1: min(3,2)=2 (b), min(3,1)=1 (b).
  expect_ad({"minimum", {t64({1, 3}, {2, 1}), t64({2, 1}, {1, 2})}, {}, {1, 1, 2, 1},
             {{{2, 0}}, {{1, 1}}}});
}

TEST(Minimum, RecordsWhichOperandWon) {
  const OpDef& op = get_op("minimum");
  const std::vector<double> a{1, 2, 3}, b{2, 2, 1};
  const TensorSpec s{DType::f64, Shape{3}};
  const In<double> in[2] = {{a.data(), s}, {b.data(), s}};
  std::vector<double> y(3);
  Branches br;
  op.forward_f64({}, in, 2, {y.data(), s}, &br);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{0, 2, 1}));
}

TEST(Minimum, IntegerInputRaises) {
  try {
    minimum(Tensor::constant({1, 2}, Shape{2}, DType::i32), t64({1, 2}, {2}));
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("minimum"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
