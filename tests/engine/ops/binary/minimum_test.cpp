#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "tests/engine/ops/binary/extremum_checks.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Minimum, PicksTheSmallerOperand) {
  expect_ad({"minimum", {t64({1, -2, 3}, {3}), t64({0, 5, -1}, {3})}, {}, {0, -2, -1},
             {{{0, 1, 0}}, {{1, 0, 1}}}});
}

TEST(Minimum, TieSendsTheWholeGradientToTheFirstOperand) {
  // TF: gradient to x where x <= y. Zero (not None) for the losing operand (R5).
  expect_tie_goes_to_first_operand("minimum", {0.5, -3});
}

TEST(Minimum, BroadcastColumnAgainstRow) {
  // [2,1] vs [1,2] -> [2,2]: a = {1, 3}, b = {2, 1}.
  //   row 0: min(1,2)=1 (a), min(1,1)=1 (tie → a);  row 1: min(3,2)=2 (b), min(3,1)=1 (b).
  expect_ad({"minimum", {t64({1, 3}, {2, 1}), t64({2, 1}, {1, 2})}, {}, {1, 1, 2, 1},
             {{{2, 0}}, {{1, 1}}}});
}

TEST(Minimum, RecordsWhichOperandWon) {
  // a = {1, 2, 3}, b = {2, 2, 1}: a wins, tie, b wins.
  EXPECT_EQ(recorded_sides("minimum", {1, 2, 3}, {2, 2, 1}),
            (std::vector<std::int32_t>{0, 2, 1}));
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
