#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
OpAttrs ord(double p, std::vector<std::int64_t> axes = {}) {
  OpAttrs a;
  a.ord = p;
  a.axes = std::move(axes);
  return a;
}
}  // namespace

TEST(Norm, EuclideanIsXOverTheNorm) {
  // ‖(3, -4)‖₂ = 5, gradient (3/5, -4/5).
  expect_ad({"norm", {t64({3, -4}, {2})}, ord(2), {5}, {{{0.6, -0.8}}}});
}

TEST(Norm, EuclideanAtZeroIsTheZeroSubgradient) {
  // TF's sqrt(Σx²) gives NaN here; the reference 0 (as torch.linalg.norm).
  expect_ad({"norm", {t64({0, 0, 0}, {3})}, ord(2), {0}, {{{0, 0, 0}}}});
}

TEST(Norm, L1IsTheSignWithSignZeroAtZero) {
  expect_ad({"norm", {t64({2, -1, 0}, {3})}, ord(1), {3}, {{{1, -1, 0}}}});
}

TEST(Norm, GeneralPPerRow) {
  // p = 3 on rows {1, 2} and {0, 0}: ‖(1, 2)‖₃ = 9^(1/3); ∂/∂x_i = sign(x_i)(|x_i|/y)²; the zero row
  // takes 0.
  const double y = std::cbrt(9.0);
  expect_ad({"norm", {t64({1, 2, 0, 0}, {2, 2})}, ord(3, {1}), {y, 0},
             {{{1 / (y * y), 4 / (y * y), 0, 0}}}});
}

TEST(Norm, FractionalPWithAZeroEntry) {
  // p = 1.5, x = (0, 4): y = 4, ∂/∂x = (0, 1): a zero entry gets 0 for p > 1.
  expect_ad({"norm", {t64({0, 4}, {2})}, ord(1.5), {4}, {{{0, 1}}}});
}

TEST(Norm, EuclideanSecondDerivative) {
  // ∂²‖x‖/∂x_i∂x_j summed over j: (1 - x_i Σ_j x_j/y²)/y at x = (3, 4): (1 - 3·7/25)/5, (1 - 4·7/25)/5.
  expect_second_derivative("norm", {3, 4}, std::vector<double>{(1 - 21.0 / 25) / 5, (1 - 28.0 / 25) / 5});
}

TEST(Norm, FractionalPSecondDerivativeAtAZeroGroupIsFinite) {
  // At a zero group the first derivative is masked to 0; its own derivative must not be
  // pow's at 0 (infinite for 1 < p < 2) times that mask's 0 = NaN. The gradient is 0 in a
  // neighbourhood along the zero group's masked branch, so the second derivative is 0.
  expect_second_derivative("norm", {0, 0}, std::vector<double>{0, 0}, ord(1.5));
}

TEST(Norm, FractionalPSecondDerivativeWithAnElementThatStaysZero) {
  // ‖t·c‖_1.5 = t·‖c‖_1.5 for t > 0, c = (0, 3, 4): second derivative 0. c's zero element does
  // not move with t, so the infinite curvature of |x_0|^1.5 at 0 meets a zero tangent; the VJP
  // takes that element's second derivative as 0, where 0·inf = NaN leaked into the result
  // (soak graph 6363: an exclusive cumsum's leading 0).
  const Tensor t = t64({1}, {});
  const Tensor c = t64({0, 3, 4}, {3});
  const auto [g, second] = second_order(t, [&](const Tensor& r) { return norm(mul(r, c), 1.5); });
  const double norm_c = std::pow(std::pow(3.0, 1.5) + std::pow(4.0, 1.5), 1 / 1.5);
  expect_values_near(g, {norm_c}, DType::f64, "d/dt ‖t c‖");
  ASSERT_TRUE(second.has_value());
  expect_values_near(*second, {0}, DType::f64, "d²/dt² ‖t c‖");
}

TEST(Norm, RecordsZeroGroupsAndTheSignsWhereAnElementsZeroIsAKink) {
  Branches two, one, four, three;
  run_kernel<double>("norm", {t64({0, 0}, {2})}, ord(2), &two);
  run_kernel<double>("norm", {t64({0, -1}, {2})}, ord(1), &one);
  run_kernel<double>("norm", {t64({0, -1}, {2})}, ord(4), &four);
  run_kernel<double>("norm", {t64({0, -1}, {2})}, ord(3), &three);
  EXPECT_EQ(two.sides, (std::vector<std::int32_t>{0}));  // a zero group
  EXPECT_EQ(one.sides, (std::vector<std::int32_t>{0, -1, 3}));  // the elements' signs, then the group
  EXPECT_EQ(four.sides, (std::vector<std::int32_t>{3}));  // x⁴: smooth at an element's zero
  // |x|³: its Hessian 6|x| has a kink at an element's zero (soak graph 120893).
  EXPECT_EQ(three.sides, (std::vector<std::int32_t>{0, -1, 3}));
}

// norm of one element is |x| for every p: the finite-difference oracle must see x's sign
// change (soak graph 2212: a Euclidean norm of a scalar 1e-4 from 0, differenced across).
TEST(Norm, AGroupOfOneElementRecordsItsSign) {
  Branches left, right, both;
  run_kernel<double>("norm", {t64({-1e-4}, {1})}, ord(2), &left);
  run_kernel<double>("norm", {t64({1e-4}, {1})}, ord(2), &right);
  run_kernel<double>("norm", {t64({1e-4, -2}, {2})}, ord(2), &both);
  EXPECT_EQ(left.sides, (std::vector<std::int32_t>{-1}));
  EXPECT_EQ(right.sides, (std::vector<std::int32_t>{1}));
  // Two elements: smooth in each away from the zero group, however many are 0.
  EXPECT_EQ(both.sides, (std::vector<std::int32_t>{3}));
  Branches one_zero;
  run_kernel<double>("norm", {t64({0, -2}, {2})}, ord(2), &one_zero);
  EXPECT_EQ(one_zero.sides, both.sides);
}

TEST(Norm, OrdBelowOneRaises) { EXPECT_THROW(norm(t64({1, 2}, {2}), 0.5), ShapeError); }

}  // namespace tc::test
