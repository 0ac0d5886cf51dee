#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Argmin, AlongTheLastAxisTiesGoToTheFirstIndex) {
  // rows {3, 1, 1} and {-1, 8, -1}: the first of the tied minima wins.
  OpCase c{"argmin", {t64({3, 1, 1, -1, 8, -1}, {2, 3})}, {}, {1, 0}, {std::nullopt}};
  c.attrs.axis = 1;
  expect_ad(c);
  c.attrs.axis = -1;
  expect_ad(c);
}

TEST(Argmin, AlongTheFirstAxis) {
  // columns {3, -1}, {1, 8}, {1, -1}.
  OpCase c{"argmin", {t64({3, 1, 1, -1, 8, -1}, {2, 3})}, {}, {1, 0, 1}, {std::nullopt}};
  c.attrs.axis = 0;
  expect_ad(c);
}

TEST(Argmin, MiddleAxisOfARank3Tensor) {
  // x[o, j, i]: (o=0,i=0) {5, 3} -> 1; (0,1) {0, 1} -> 0; (1,0) {4, 4} tie -> 0; (1,1) {4, 6} -> 0.
  OpCase c{"argmin", {t64({5, 0, 3, 1, 4, 4, 4, 6}, {2, 2, 2})}, {}, {1, 0, 0, 0}, {std::nullopt}};
  c.attrs.axis = 1;
  expect_ad(c);
}

TEST(Argmin, ResultIsI32WithTheAxisDropped) {
  const Tensor y = argmin(Tensor::constant({3, 1, 1, -1, 8, -1}, Shape{2, 3}, DType::f32), 1);
  EXPECT_EQ(y.dtype(), DType::i32);
  EXPECT_EQ(y.shape(), (Shape{2}));
  EXPECT_EQ(argmin(t64({2}, {1}), 0).shape(), Shape{});
}

TEST(Argmin, IntegerInput) {
  const Tensor y = argmin(Tensor::constant({4, 2, 2}, Shape{3}, DType::i32), 0);
  EXPECT_EQ(y.item(), 1);
}

TEST(Argmin, NanWinsOnlyWhenFirst) {
  EXPECT_EQ(argmin(t64({NAN, 1, 2}, {3}), 0).item(), 0);
  EXPECT_EQ(argmin(t64({1, NAN, 0}, {3}), 0).item(), 2);
}

TEST(Argmin, BranchesAreTheWinningIndex) {
  OpAttrs a;
  a.axis = 1;
  Branches b;
  run_kernel<double>("argmin", {t64({3, 1, 1, -1, 8, -1}, {2, 3})}, a, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, 0}));
}

TEST(Argmin, BadAxesRaiseNamingTheShape) {
  EXPECT_THROW(argmin(t64({1, 2}, {2}), 1), ShapeError);
  EXPECT_THROW(argmin(scalar64(1), 0), ShapeError);
  try {
    argmin(Tensor::zeros(Shape{0, 3}), 0);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[0,3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("argmin"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
