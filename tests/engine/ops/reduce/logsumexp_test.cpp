#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Logsumexp, AllAxes) {
  const std::vector<double> x{0.5, -1, 2};
  double s = 0;
  for (double v : x) s += std::exp(v);
  const double y = std::log(s);
  expect_ad({"logsumexp", {t64(x, {3})}, {}, {y},
             {{{std::exp(0.5 - y), std::exp(-1 - y), std::exp(2 - y)}}}});
}

TEST(Logsumexp, PerRowWithUpstream) {
  OpAttrs a;
  a.axes = {1};
  const std::vector<double> x{1, 2, 3, -2, 0, 0};
  const std::vector<double> up{2, -1};
  std::vector<double> y(2), d(6);
  for (int r = 0; r < 2; ++r) {
    double s = 0;
    for (int k = 0; k < 3; ++k) s += std::exp(x[3 * r + k]);
    y[r] = std::log(s);
    for (int k = 0; k < 3; ++k) d[3 * r + k] = up[r] * std::exp(x[3 * r + k]) / s;
  }
  OpCase c{"logsumexp", {t64(x, {2, 3})}, a, y, {d}};
  c.upstream = up;
  expect_ad(c);
}

TEST(Logsumexp, LargeInputsDoNotOverflow) {
  // exp(1000) overflows; the max shift keeps y = 1000 + log(1 + e^-1) and the softmax finite.
  const double y = 1000 + std::log1p(std::exp(-1.0));
  OpCase c{"logsumexp", {t64({1000, 999}, {2})}, {}, {y},
           {{{std::exp(1000 - y), std::exp(999 - y)}}}};
  // f64 only: the f32 output near 1000 is rounded to a spacing of 6e-5, so exp(x - y) is
  // good to only ~3e-5 relative, beyond the f32 test tolerance (TF in f32 does the same).
  c.also_f32 = false;
  expect_ad(c);
}

TEST(Logsumexp, ShiftRecordsNoBranches) {
  const OpDef& op = get_op("logsumexp");
  const std::vector<double> x{1, 1, 0};
  const In<double> in{x.data(), {DType::f64, Shape{3}}};
  double y = 0;
  Branches br;
  op.forward_f64({}, &in, 1, {&y, {DType::f64, Shape{}}}, &br);
  EXPECT_TRUE(br.sides.empty());
  EXPECT_FALSE(op.has_kinks);
}

TEST(Logsumexp, AxisOutOfRangeNamesTheShape) {
  try {
    logsumexp(t64({1, 2, 3, 4}, {2, 2}), {5});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("logsumexp"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2,2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
