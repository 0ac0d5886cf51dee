#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Solve, OneRightHandSide) {
  // [[2,1],[1,3]]·x = [1,2]: x = [0.2,0.6]. With G = ones: dB = A⁻ᵀ·1 = [0.4,0.2];
  // dA = -dB·xᵀ = [[-0.08,-0.24],[-0.04,-0.12]].
  expect_ad({"solve", {t64({2, 1, 1, 3}, {2, 2}), t64({1, 2}, {2, 1})}, {}, {0.2, 0.6},
             {{{-0.08, -0.24, -0.04, -0.12}}, {{0.4, 0.2}}}});
}

TEST(Solve, PivotingTwoColumnsAndBatch) {
  // [[0,1],[2,0]]·X = [[1,2],[4,6]]: X = [[2,3],[1,2]]. A⁻ᵀ = [[0,1],[0.5,0]], so with G = ones
  // dB = [[1,1],[0.5,0.5]] and dA = -dB·Xᵀ = [[-5,-3],[-2.5,-1.5]].
  expect_ad({"solve", {t64({0, 1, 2, 0}, {2, 2}), t64({1, 2, 4, 6}, {2, 2})}, {}, {2, 3, 1, 2},
             {{{-5, -3, -2.5, -1.5}}, {{1, 1, 0.5, 0.5}}}});
  expect_ad({"solve", {t64({2, 4}, {2, 1, 1}), t64({1, 2}, {2, 1, 1})}, {}, {0.5, 0.5},
             {{{-0.25, -0.125}}, {{0.5, 0.25}}}});
}

TEST(Solve, SolvingAMatrixAgainstItselfIsTheIdentityExactly) {
  // solve(x, x) = I whatever x is: exactly, so every evaluation's derivative is exactly 0
  // (LU alone gives I + O(u), a derivative of pure rounding noise).
  const Tensor a = t64({0.3, 1.7, 2.9, 0.1}, {2, 2});
  const Tensor x = solve(a, a);
  EXPECT_EQ(x.values(), (std::vector<double>{1, 0, 0, 1}));
  const auto [d1, d2] = second_order(a, [](const Tensor& m) { return solve(m, m); });
  expect_values_near(d1, {0, 0, 0, 0}, DType::f64, "first");
  for (double v : d1.values()) EXPECT_EQ(v, 0);
}

TEST(Solve, RecordsTheSignOfEachDeterminantSoThatNoDifferenceCrossesItsPole) {
  // A batch of three 1×1 matrices — 0.00135 (det > 0, a pole 0.00135 away), -2 and 5 — then
  // the 2×2 swap [[0, 1], [1, 0]], whose det is -1 through the pivoting's parity.
  Branches b;
  run_kernel<double>("solve", {t64({0.00135, -2, 5}, {3, 1, 1}), t64({1, 1, 1}, {3, 1, 1})}, {}, &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, -1, 1}));
  Branches swap;
  run_kernel<double>("solve", {t64({0, 1, 1, 0}, {2, 2}), t64({1, 2}, {2, 1})}, {}, &swap);
  EXPECT_EQ(swap.sides, (std::vector<std::int32_t>{-1}));
}

TEST(Solve, SingularAndMismatchedShapesRaise) {
  expect_error_naming<Error>([] { solve(t64({1, 2, 2, 4}, {2, 2}), t64({1, 1}, {2, 1})); }, {"solve", "singular"});
  expect_error_naming<ShapeError>([] { solve(t64({1, 0, 0, 1}, {2, 2}), t64({1, 1, 1}, {3, 1})); },
                                  {"solve", "[3,1]", "[2,2]"});
}

}  // namespace tc::test
