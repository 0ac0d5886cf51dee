#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(AddN, SumsEveryInputAndSendsEachTheUpstream) {
  expect_ad({"add_n", {t64({1, 2}, {2}), t64({10, 20}, {2}), t64({100, 200}, {2})}, {},
             {111, 222}, {{{1, 1}}, {{1, 1}}, {{1, 1}}}});
}

TEST(AddN, OneInputIsItsValue) {
  expect_ad({"add_n", {t64({3, -4}, {2})}, {}, {3, -4}, {{{1, 1}}}});
}

TEST(AddN, SumsLeftToRightAsAChainOfAddsWould) {
  // 1 + 1e16 rounds to 1e16; then - 1e16 gives 0. Summed right to left it would give 1.
  const Tensor a = t64({1}, {1}), b = t64({1e16}, {1}), c = t64({-1e16}, {1});
  EXPECT_EQ(add_n({a, b, c})[0], add(add(a, b), c)[0]);
  EXPECT_EQ(add_n({a, b, c})[0], 0.0);
}

TEST(AddN, DifferentShapesRaiseWithBothShapesAndNoBroadcasting) {
  try {
    add_n({t64({1, 2, 3}, {3}), t64({1}, {1})});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[1]"), std::string::npos) << e.what();
  }
}

TEST(AddN, MixedDtypesRaise) {
  EXPECT_THROW(add_n({t64({1}, {1}), Tensor::constant({1}, Shape({1}), DType::f32)}), DTypeError);
}

}  // namespace tc::test
