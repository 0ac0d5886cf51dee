#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Argmax, AlongTheLastAxisTiesGoToTheFirstIndex) {
  // rows {1, 5, 5} and {7, -1, 7}: the first of the tied maxima wins.
  OpCase c{"argmax", {t64({1, 5, 5, 7, -1, 7}, {2, 3})}, {}, {1, 0}, {std::nullopt}};
  c.attrs.axis = 1;
  expect_ad(c);
  c.attrs.axis = -1;
  expect_ad(c);
}

TEST(Argmax, AlongTheFirstAxis) {
  // columns {1, 7}, {5, -1}, {5, 7}.
  OpCase c{"argmax", {t64({1, 5, 5, 7, -1, 7}, {2, 3})}, {}, {1, 0, 1}, {std::nullopt}};
  c.attrs.axis = 0;
  expect_ad(c);
}

TEST(Argmax, MiddleAxisOfARank3Tensor) {
  // x[o, j, i]: (o=0,i=0) {0, 3} -> 1; (0,1) {9, 1} -> 0; (1,0) {4, 4} tie -> 0; (1,1) {4, 2} -> 0.
  OpCase c{"argmax", {t64({0, 9, 3, 1, 4, 4, 4, 2}, {2, 2, 2})}, {}, {1, 0, 0, 0}, {std::nullopt}};
  c.attrs.axis = 1;
  expect_ad(c);
}

TEST(Argmax, ResultIsI32WithTheAxisDropped) {
  const Tensor y = argmax(Tensor::constant({1, 5, 5, 7, -1, 7}, Shape{2, 3}, DType::f32), 1);
  EXPECT_EQ(y.dtype(), DType::i32);
  EXPECT_EQ(y.shape(), (Shape{2}));
  EXPECT_EQ(argmax(t64({2}, {1}), 0).shape(), Shape{});
}

TEST(Argmax, IntegerInput) {
  const Tensor y = argmax(Tensor::constant({-4, -2, -2}, Shape{3}, DType::i32), 0);
  EXPECT_EQ(y.item(), 1);
}

TEST(Argmax, NanWinsOnlyWhenFirst) {
  EXPECT_EQ(argmax(t64({NAN, 1, 2}, {3}), 0).item(), 0);
  EXPECT_EQ(argmax(t64({1, NAN, 2}, {3}), 0).item(), 2);
}

TEST(Argmax, BranchesAreTheWinningIndex) {
  OpAttrs a;
  a.axis = 1;
  Branches b;
  run_kernel<double>("argmax", {t64({1, 5, 5, 7, -1, 7}, {2, 3})}, a, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, 0}));
}

TEST(Argmax, BadAxesRaiseNamingTheShape) {
  EXPECT_THROW(argmax(t64({1, 2}, {2}), 1), ShapeError);
  EXPECT_THROW(argmax(scalar64(1), 0), ShapeError);
  try {
    argmax(Tensor::zeros(Shape{0, 3}), 0);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[0,3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("argmax"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
