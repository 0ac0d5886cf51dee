#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/cumulative/cumulative.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {
OpAttrs scan(std::int64_t axis, bool exclusive, bool reverse) {
  OpAttrs a;
  a.axis = axis;
  a.exclusive = exclusive;
  a.reverse = reverse;
  return a;
}
}  // namespace

TEST(Cumsum, EveryDirection) {
  // x = {1, 2, 3}, upstream g = {1, 10, 100}. dx_j = Σ of g_i over the i whose sum holds x_j.
  const Tensor x = t64({1, 2, 3}, {3});
  const std::vector<double> g{1, 10, 100};
  OpCase c{"cumsum", {x}, scan(0, false, false), {1, 3, 6}, {{{111, 110, 100}}}};
  c.upstream = g;
  expect_ad(c);
  c = {"cumsum", {x}, scan(0, true, false), {0, 1, 3}, {{{110, 100, 0}}}};
  c.upstream = g;
  expect_ad(c);
  c = {"cumsum", {x}, scan(0, false, true), {6, 5, 3}, {{{1, 11, 111}}}};
  c.upstream = g;
  expect_ad(c);
  c = {"cumsum", {x}, scan(-1, true, true), {5, 3, 0}, {{{0, 1, 11}}}};
  c.upstream = g;
  expect_ad(c);
}

TEST(Cumsum, AlongTheFirstAxisOfAMatrix) {
  // [[1, 2], [3, 4]] down the rows: [[1, 2], [4, 6]]; ones upstream: row 0 gets 2, row 1 gets 1.
  expect_ad({"cumsum", {t64({1, 2, 3, 4}, {2, 2})}, scan(0, false, false), {1, 2, 4, 6}, {{{2, 2, 1, 1}}}});
}

TEST(Cumsum, BadAxisNamesTheShape) {
  try {
    cumsum(t64({1, 2}, {2}), 1);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("cumsum: axis 1 is out of range for input of shape [2]"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(cumsum(scalar64(1), 0), ShapeError);
}

}  // namespace tc::test
