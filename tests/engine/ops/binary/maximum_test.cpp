#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "tests/engine/ops/binary/extremum_checks.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Maximum, PicksTheLargerOperand) {
  expect_ad({"maximum", {t64({1, -2, 3}, {3}), t64({0, 5, -1}, {3})}, {}, {1, 5, 3},
             {{{1, 0, 1}}, {{0, 1, 0}}}});
}

TEST(Maximum, TieSendsTheWholeGradientToTheFirstOperand) {
  // TF: gradient to x where x >= y. Zero (not None) for the losing operand (R5).
  expect_tie_goes_to_first_operand("maximum", {2, -1});
}

TEST(Maximum, BroadcastScalarAgainstVector) {
  // max([3], []) : b's gradient counts the elements where b won.
  OpCase c{"maximum", {t64({-1, 0.5, 2}, {3}), scalar64(0.5)}, {}, {0.5, 0.5, 2},
           {{{0, 3, 4}}, {{2}}}};  // b wins at 0 (g=2); tie at 1 → a; a wins at 2
  c.upstream = std::vector<double>{2, 3, 4};
  expect_ad(c);
}

TEST(Maximum, RecordsWhichOperandWon) {
  // a = {1, 2, 3}, b = {2, 2, 1}: b wins, tie, a wins.
  EXPECT_EQ(recorded_sides("maximum", {1, 2, 3}, {2, 2, 1}),
            (std::vector<std::int32_t>{1, 2, 0}));
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
