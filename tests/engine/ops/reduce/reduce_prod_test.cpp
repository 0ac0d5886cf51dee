#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/tape.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceProd, AllAxes) {
  // x = {2, -3, 0.5, 4}: y = -12; dy/dx_j = y / x_j (no zeros).
  expect_ad({"reduce_prod", {t64({2, -3, 0.5, 4}, {2, 2})}, {}, {-12},
             {{{-6, 4, -24, -3}}}});
}

TEST(ReduceProd, OneZeroGetsTheProductOfTheOthers) {
  // x = {3, 0, -2}: y = 0; dy/dx = {0·-2, 3·-2, 3·0} = {0, -6, 0}. (y/x would give NaN.)
  expect_ad({"reduce_prod", {t64({3, 0, -2}, {3})}, {}, {0}, {{{0, -6, 0}}}});
}

TEST(ReduceProd, TwoZerosGiveAllZeroGradients) {
  expect_ad({"reduce_prod", {t64({0, 5, 0}, {3})}, {}, {0}, {{{0, 0, 0}}}});
}

TEST(ReduceProd, PerRowKeepdimsWithUpstreamAndAZero) {
  // Rows {1, 2, 3} (y = 6) and {4, 0, 5} (y = 0); upstream {2, -1}.
  OpAttrs a;
  a.axes = {1};
  a.keepdims = true;
  OpCase c{"reduce_prod", {t64({1, 2, 3, 4, 0, 5}, {2, 3})}, a, {6, 0},
           {{{2 * 6, 2 * 3, 2 * 2, 0, -1 * 20, 0}}}};
  c.upstream = std::vector<double>{2, -1};
  expect_ad(c);
}

TEST(ReduceProd, NonAdjacentAxesOfRank3) {
  // [2,2,2] over axes {0, 2}: x[i][j][k]; groups indexed by j.
  //   j = 0: {x000, x001, x100, x101} = {1, 2, -1, 3} → y = -6
  //   j = 1: {x010, x011, x110, x111} = {0.5, 4, 2, 0} → y = 0
  OpAttrs a;
  a.axes = {0, 2};
  const std::vector<double> x{1, 2, 0.5, 4, -1, 3, 2, 0};
  // d/dx for j = 0: y / x; for j = 1 only x111 = 0 gets 0.5·4·2 = 4.
  const std::vector<double> d{-6, -3, 0, 0, 6, -2, 0, 4};
  expect_ad({"reduce_prod", {t64(x, {2, 2, 2})}, a, {-6, 0}, {{d}}});
}

TEST(ReduceProd, SecondDerivativeAtZerosIsExact) {
  // y = x0 x1 x2 at x = {0, 0, 2}; d/dx_k Σ_j ∂y/∂x_j = Σ_{j≠k} Π_{i∉{j,k}} x_i = {2, 2, 0}.
  // (Masking the first-order gradient at zeros would give {0, 0, 0} here.)
  const Tensor x = t64({0, 0, 2}, {3});
  GradientTape outer;
  Tensor s;
  {
    auto ro = outer.recording();
    outer.watch(x);
    GradientTape inner;
    Tensor y;
    {
      auto ri = inner.recording();
      inner.watch(x);
      y = reduce_prod(x);
    }
    s = reduce_sum(*inner.gradient(y, x));
  }
  const auto h = outer.gradient(s, x);
  ASSERT_TRUE(h);
  expect_values_near(*h, {2, 2, 0}, DType::f64, "second derivative of reduce_prod");
}

TEST(ReduceProd, RepeatedAxisRaises) {
  try {
    reduce_prod(t64({1, 2, 3, 4}, {2, 2}), {1, -1});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[2,2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
