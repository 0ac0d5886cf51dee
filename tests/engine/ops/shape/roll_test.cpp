#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {
namespace {
OpAttrs rolled(std::vector<std::int64_t> shift, std::vector<std::int64_t> axes) {
  OpAttrs a;
  a.shift = std::move(shift);
  a.axes = std::move(axes);
  return a;
}
}  // namespace

TEST(Roll, ForwardBackwardAndBeyondTheLength) {
  // [1,2,3,4] rolled by 1: [4,1,2,3]; x_j goes to (j+1) mod 4, so dx_j = U_{(j+1) mod 4}.
  OpCase c{"roll", {t64({1, 2, 3, 4}, {4})}, rolled({1}, {0}), {4, 1, 2, 3}, {{{20, 30, 40, 10}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40};
  expect_ad(c);
  c.attrs = rolled({-3}, {0});  // -3 ≡ 1 (mod 4)
  expect_ad(c);
  c.attrs = rolled({9}, {-1});  // 9 ≡ 1 (mod 4)
  expect_ad(c);
}

TEST(Roll, AnAxisListedTwiceRollsByTheSum) {
  // [[1,2,3],[4,5,6]]: shift 1 then 1 along axis 1 = shift 2: [[2,3,1],[5,6,4]]; and axis 0 by 1.
  expect_ad({"roll", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, rolled({1, 1}, {1, 1}), {2, 3, 1, 5, 6, 4},
             {{{1, 1, 1, 1, 1, 1}}}});
  expect_ad({"roll", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, rolled({1}, {0}), {4, 5, 6, 1, 2, 3}, {{{1, 1, 1, 1, 1, 1}}}});
}

TEST(Roll, ShiftAndAxesOfDifferentLengthsRaise) {
  expect_error_naming<ShapeError>([] { roll(t64({1, 2}, {2}), {1, 2}, {0}); }, {"roll", "shift", "axes"});
}

}  // namespace tc::test
