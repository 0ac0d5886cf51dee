#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/nn.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {

// log softmax of each length-n slice along the last axis, and the VJP g - softmax Σg.
void log_softmax_rows(const std::vector<double>& x, const std::vector<double>& g, int n,
                      std::vector<double>& y, std::vector<double>& dx) {
  y.assign(x.size(), 0);
  dx.assign(x.size(), 0);
  for (std::size_t r = 0; r < x.size() / n; ++r) {
    double s = 0, gs = 0;
    for (int k = 0; k < n; ++k) s += std::exp(x[r * n + k]);
    for (int k = 0; k < n; ++k) gs += g[r * n + k];
    for (int k = 0; k < n; ++k) {
      y[r * n + k] = x[r * n + k] - std::log(s);
      dx[r * n + k] = g[r * n + k] - std::exp(x[r * n + k]) / s * gs;
    }
  }
}

}  // namespace

TEST(LogSoftmax, LastAxisWithUpstream) {
  OpAttrs a;
  a.axis = -1;
  const std::vector<double> x{1, 2, 0.5, -1, 0, 3}, g{1, -2, 0.5, 3, 0, -1};
  std::vector<double> y, dx;
  log_softmax_rows(x, g, 3, y, dx);
  OpCase c{"log_softmax", {t64(x, {2, 3})}, a, y, {dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(LogSoftmax, MiddleAxisOfRank3) {
  // [2,2,1] along axis 1 (given as -2): slices {x0, x1} and {x2, x3}.
  OpAttrs a;
  a.axis = -2;
  const std::vector<double> x{0.2, -0.7, 1.5, 1.0};
  std::vector<double> y, dx;
  log_softmax_rows(x, {1, 1, 1, 1}, 2, y, dx);
  expect_ad({"log_softmax", {t64(x, {2, 2, 1})}, a, y, {dx}});
}

TEST(LogSoftmax, LargeInputsDoNotOverflow) {
  OpAttrs a;
  a.axis = 0;
  const std::vector<double> g{0.5, -1};
  std::vector<double> y, dx;
  log_softmax_rows({0, -3}, g, 2, y, dx);
  OpCase c{"log_softmax", {t64({-2000, -2003}, {2})}, a, y, {dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(LogSoftmax, AxisOutOfRangeNamesTheShape) {
  try {
    log_softmax(t64({1, 2, 3, 4}, {4}), -2);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("log_softmax"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[4]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
