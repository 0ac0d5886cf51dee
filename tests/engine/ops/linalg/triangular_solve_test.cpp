#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs triangle(bool lower) {
  OpAttrs a;
  a.lower = lower;
  return a;
}
}  // namespace

TEST(TriangularSolve, LowerIgnoresTheUpperTriangle) {
  // a = [[2,9],[1,4]], lower: T = [[2,0],[1,4]]; T·x = [2,5] gives x = [1,1]. G = ones:
  // dB = T⁻ᵀ·1 = [0.375,0.25]; dA = -dB·xᵀ on the lower triangle: [[-0.375,0],[-0.25,-0.25]].
  expect_ad({"triangular_solve", {t64({2, 9, 1, 4}, {2, 2}), t64({2, 5}, {2, 1})}, triangle(true), {1, 1},
             {{{-0.375, 0, -0.25, -0.25}}, {{0.375, 0.25}}}});
}

TEST(TriangularSolve, UpperIgnoresTheLowerTriangle) {
  // a = [[2,1],[9,4]], upper: T = [[2,1],[0,4]]; T·x = [3,4] gives x = [1,1]. G = ones:
  // Tᵀ·y = 1: y = [0.5, 0.125]; dA = -y·xᵀ on the upper triangle: [[-0.5,-0.5],[0,-0.125]].
  expect_ad({"triangular_solve", {t64({2, 1, 9, 4}, {2, 2}), t64({3, 4}, {2, 1})}, triangle(false), {1, 1},
             {{{-0.5, -0.5, 0, -0.125}}, {{0.5, 0.125}}}});
}

TEST(TriangularSolve, MismatchedShapesRaise) {
  expect_error_naming<ShapeError>([] { triangular_solve(t64({1, 0, 0, 1}, {2, 2}), t64({1}, {1, 1})); },
                                  {"triangular_solve", "[1,1]", "[2,2]"});
}

// det T's sign per matrix, 0 when a diagonal entry is 0 (singular), as solve records: an f32
// engine's exact 0 where the f64 oracles see 1e-8 is then seen as a point within rounding of
// the singular one (soak graph 957996).
TEST(TriangularSolve, RecordsTheSignOfEachTrianglesDeterminant) {
  Branches b;
  run_kernel<double>("triangular_solve",
                     {t64({2, 0, 1, 4, -2, 0, 1, 4, 0, 0, 1, 4}, {3, 2, 2}), t64({1, 1, 1, 1, 1, 1}, {3, 2, 1})},
                     triangle(true), &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, -1, 0}));
}

}  // namespace tc::test
