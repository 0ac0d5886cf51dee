#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs padded(std::vector<std::int64_t> p, std::string mode) {
  OpAttrs a;
  a.paddings = std::move(p);
  a.mode = std::move(mode);
  return a;
}
}  // namespace

TEST(Pad, ConstantBorderIsZeroAndGetsNoGradient) {
  // [1,2,3] padded 1 before, 2 after: [0,1,2,3,0,0]; dx = the interior of U.
  OpCase c{"pad", {t64({1, 2, 3}, {3})}, padded({1, 2}, "constant"), {0, 1, 2, 3, 0, 0}, {{{20, 30, 40}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40, 50, 60};
  expect_ad(c);
}

TEST(Pad, ReflectMirrorsWithoutTheEdgeAndItsGradientAddsUp) {
  // [1,2,3] reflect-padded by 2 each side: [3,2,1,2,3,2,1] (TF's example); U = 1..7:
  // x0 = 1 at positions 2, 6 (3 + 7); x1 = 2 at 1, 3, 5 (2 + 4 + 6); x2 = 3 at 0, 4 (1 + 5).
  OpCase c{"pad", {t64({1, 2, 3}, {3})}, padded({2, 2}, "reflect"), {3, 2, 1, 2, 3, 2, 1}, {{{10, 12, 6}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6, 7};
  expect_ad(c);
}

TEST(Pad, MatrixBothModes) {
  // [[1,2],[3,4]] with one row before (axis 0) and one column after (axis 1).
  expect_ad({"pad", {t64({1, 2, 3, 4}, {2, 2})}, padded({1, 0, 0, 1}, "constant"), {0, 0, 0, 1, 2, 0, 3, 4, 0},
             {{{1, 1, 1, 1}}}});
  // reflect: row 1 mirrored before, column 0 mirrored after: [[3,4,3],[1,2,1],[3,4,3]].
  expect_ad({"pad", {t64({1, 2, 3, 4}, {2, 2})}, padded({1, 0, 0, 1}, "reflect"), {3, 4, 3, 1, 2, 1, 3, 4, 3},
             {{{2, 1, 4, 2}}}});
}

TEST(Pad, BadPaddingsAndModesRaise) {
  expect_error_naming<ShapeError>([] { pad(t64({1, 2}, {2}), {3, 0}, "reflect"); }, {"pad", "reflect", "[2]"});
  expect_error_naming<ShapeError>([] { pad(t64({1, 2}, {2}), {1}, "constant"); }, {"pad", "paddings", "[2]"});
  expect_error_naming<ShapeError>([] { pad(t64({1, 2}, {2}), {-1, 0}, "constant"); }, {"pad"});
  expect_error_naming<ShapeError>([] { pad(t64({1, 2}, {2}), {1, 1}, "symmetric"); }, {"pad", "symmetric"});
}

}  // namespace tc::test
