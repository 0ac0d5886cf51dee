#include <gtest/gtest.h>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
OpAttrs scan(std::int64_t axis, bool exclusive = false, bool reverse = false) {
  OpAttrs a;
  a.axis = axis;
  a.exclusive = exclusive;
  a.reverse = reverse;
  return a;
}
}  // namespace

TEST(Cumprod, NoZeros) {
  // x = {2, 3, 4}: y = {2, 6, 24}. With ones upstream dx_j = Σ_{i>=j} Π_{k<=i, k!=j} x_k:
  //   dx_0 = 1 + 3 + 12 = 16, dx_1 = 2 + 8 = 10, dx_2 = 6.
  expect_ad({"cumprod", {t64({2, 3, 4}, {3})}, scan(0), {2, 6, 24}, {{{16, 10, 6}}}});
}

TEST(Cumprod, OneZeroGetsTheProductOfTheOthers) {
  // x = {2, 0, 4}: y = {2, 0, 0}. dx_0 = 1 + 0 + 0 = 1; dx_1 = 2 + 2·4 = 10 (TF's division by
  // x gives 0 here); dx_2 = 2·0 = 0.
  expect_ad({"cumprod", {t64({2, 0, 4}, {3})}, scan(0), {2, 0, 0}, {{{1, 10, 0}}}});
}

TEST(Cumprod, TwoZeros) {
  // x = {0, 3, 0}: y = {0, 0, 0}. dx_0 = 1 + 3 + 0 = 4, dx_1 = 0, dx_2 = 0·3 = 0.
  expect_ad({"cumprod", {t64({0, 3, 0}, {3})}, scan(0), {0, 0, 0}, {{{4, 0, 0}}}});
}

TEST(Cumprod, ExclusiveAndReverseWithAZero) {
  // exclusive: y = {1, x0, x0 x1} = {1, 0, 0} for x = {0, 5, 2}; dx_0 = 1 + x1 = 6, dx_1 = x0 = 0,
  // dx_2 = 0.
  expect_ad({"cumprod", {t64({0, 5, 2}, {3})}, scan(0, true, false), {1, 0, 0}, {{{6, 0, 0}}}});
  // reverse: y = {x0 x1 x2, x1 x2, x2} = {0, 10, 2}; dx_0 = x1 x2 = 10, dx_1 = x0 x2 + x2 = 2,
  // dx_2 = x0 x1 + x1 + 1 = 6.
  expect_ad({"cumprod", {t64({0, 5, 2}, {3})}, scan(0, false, true), {0, 10, 2}, {{{10, 2, 6}}}});
  // exclusive reverse: y = {x1 x2, x2, 1} = {10, 2, 1}; dx_0 = 0, dx_1 = x2 = 2, dx_2 = x1 + 1 = 6.
  expect_ad({"cumprod", {t64({0, 5, 2}, {3})}, scan(0, true, true), {10, 2, 1}, {{{0, 2, 6}}}});
}

TEST(Cumprod, BatchedAlongTheLastAxis) {
  // Rows {1, 2} and {3, 0}: y = {1, 2, 3, 0}; dx = {1 + 2, 1, 1 + 0, 3}.
  expect_ad({"cumprod", {t64({1, 2, 3, 0}, {2, 2})}, scan(-1), {1, 2, 3, 0}, {{{3, 1, 1, 3}}}});
}

TEST(Cumprod, SecondDerivativeAtZerosIsExact) {
  // Σ y = x0 + x0 x1 + x0 x1 x2, so ∂(Σy)/∂x = {1 + x1 + x1 x2, x0 + x0 x2, x0 x1} and the
  // derivative of their sum at x = {0, 0, 2} is {1 + x2 + x1, 1 + x2 + x0, x1 + x0} = {3, 3, 0}.
  // (Dividing by x, as TF, would give NaN or 0 here.)
  expect_second_derivative("cumprod", {0, 0, 2}, std::vector<double>{3, 3, 0}, scan(0));
}

}  // namespace tc::test
