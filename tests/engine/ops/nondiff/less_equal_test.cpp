#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(LessEqual, BroadcastValuesAndBothGradientsAreNone) {
  // [2,2] <= [2]: pairs (1,2), (2,2), (3,2), (2,2).
  expect_ad({"less_equal", {t64({1, 2, 3, 2}, {2, 2}), t64({2, 2}, {2})}, {}, {1, 1, 0, 1},
             {std::nullopt, std::nullopt}});
}

TEST(LessEqual, NanIsUnordered) {
  expect_ad({"less_equal", {t64({NAN, 1, NAN}, {3}), t64({1, NAN, NAN}, {3})}, {}, {0, 0, 0},
             {std::nullopt, std::nullopt}});
}

TEST(LessEqual, IntegerOperandsAndABoolResult) {
  const Tensor y = less_equal(Tensor::constant({-1, 0, 5}, Shape{3}, DType::i32),
                       Tensor::constant({0, 0, 0}, Shape{3}, DType::i32));
  EXPECT_EQ(y.dtype(), DType::boolean);
  EXPECT_EQ(y.values(), (std::vector<double>{1, 1, 0}));
  EXPECT_EQ(less_equal(t64({1}, {1}), t64({1}, {1})).dtype(), DType::boolean);
}

TEST(LessEqual, BranchesAreTheSignOfTheDifference) {
  Branches b;
  run_kernel<double>("less_equal", {t64({1, 2, 3, NAN}, {4}), t64({2, 2, 2, 1}, {4})}, {}, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{-1, 0, 1, 2}));
}

TEST(LessEqual, MixedDtypesAndBadShapesRaise) {
  try {
    less_equal(t64({1}, {1}), Tensor::constant({1}, Shape{1}, DType::i32));
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("f64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("i32"), std::string::npos) << e.what();
  }
  try {
    less_equal(t64({1, 2, 3}, {3}), t64({1, 2}, {2}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
