#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceMean, AllAxes) {
  expect_ad({"reduce_mean", {t64({1, 2, 3, 6}, {2, 2})}, {}, {3},
             {{{0.25, 0.25, 0.25, 0.25}}}});
}

TEST(ReduceMean, OneAxisKeepdimsWithUpstream) {
  OpAttrs a;
  a.axes = {1};
  a.keepdims = true;
  OpCase c{"reduce_mean", {t64({1, 2, 3, 4, 5, 9}, {2, 3})}, a, {2, 6},
           {{{3.0 / 3, 3.0 / 3, 3.0 / 3, -1.0 / 3, -1.0 / 3, -1.0 / 3}}}};
  c.upstream = std::vector<double>{3, -1};
  expect_ad(c);
}

TEST(ReduceMean, TwoAxesOfRank3) {
  // [2,2,2] over axes {0, 2}: groups of four, indexed by the middle axis.
  OpAttrs a;
  a.axes = {0, -1};
  // x[i][j][k] = 4i + 2j + k: middle j = 0 → {0,1,4,5}, j = 1 → {2,3,6,7}.
  expect_ad({"reduce_mean", {t64({0, 1, 2, 3, 4, 5, 6, 7}, {2, 2, 2})}, a, {2.5, 4.5},
             {{std::vector<double>(8, 0.25)}}});
}

TEST(ReduceMean, AxisOutOfRangeNamesTheShape) {
  try {
    reduce_mean(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {2});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("reduce_mean"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2,3]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
