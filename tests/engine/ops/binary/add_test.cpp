#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Add, SameShape) {
  expect_ad({"add", {t64({1, 2}, {2}), t64({10, 20}, {2})}, {}, {11, 22}, {{{1, 1}}, {{1, 1}}}});
}

TEST(Add, BroadcastGradientIsReducedToEachInputShape) {
  // [2,3] + [3]: b's gradient sums over the broadcast leading axis.
  expect_ad({"add", {t64({1, 2, 3, 4, 5, 6}, {2, 3}), t64({10, 20, 30}, {3})}, {},
             {11, 22, 33, 14, 25, 36}, {{{1, 1, 1, 1, 1, 1}}, {{2, 2, 2}}}});
  // [2,1] + [1,3] -> [2,3]
  expect_ad({"add", {t64({1, 2}, {2, 1}), t64({10, 20, 30}, {1, 3})}, {},
             {11, 21, 31, 12, 22, 32}, {{{3, 3}}, {{2, 2, 2}}}});
}

TEST(Add, IncompatibleShapesRaiseWithBothShapes) {
  try {
    add(t64({1, 2, 3}, {3}), t64({1, 2}, {2}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
