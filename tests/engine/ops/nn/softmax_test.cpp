#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/nn.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {

// Softmax of each length-n slice along the last axis, and the VJP y (g - <g, y>).
void softmax_rows(const std::vector<double>& x, const std::vector<double>& g, int n,
                  std::vector<double>& y, std::vector<double>& dx) {
  y.assign(x.size(), 0);
  dx.assign(x.size(), 0);
  for (std::size_t r = 0; r < x.size() / n; ++r) {
    double s = 0, gy = 0;
    for (int k = 0; k < n; ++k) s += std::exp(x[r * n + k]);
    for (int k = 0; k < n; ++k) y[r * n + k] = std::exp(x[r * n + k]) / s;
    for (int k = 0; k < n; ++k) gy += g[r * n + k] * y[r * n + k];
    for (int k = 0; k < n; ++k) dx[r * n + k] = y[r * n + k] * (g[r * n + k] - gy);
  }
}

}  // namespace

TEST(Softmax, LastAxisWithUpstream) {
  OpAttrs a;
  a.axis = -1;
  const std::vector<double> x{1, 2, 0.5, -1, 0, 3}, g{1, -2, 0.5, 3, 0, -1};
  std::vector<double> y, dx;
  softmax_rows(x, g, 3, y, dx);
  OpCase c{"softmax", {t64(x, {2, 3})}, a, y, {dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(Softmax, SumOfOutputsHasZeroGradient) {
  // Σ softmax = 1 along the axis: with upstream ones the gradient is zero (not None).
  OpAttrs a;
  a.axis = 0;
  expect_ad({"softmax", {t64({0.3, -0.2}, {2})}, a,
             {1 / (1 + std::exp(-0.5)), 1 / (1 + std::exp(0.5))}, {{{0, 0}}}});
}

TEST(Softmax, LeadingAxisOfAMatrix) {
  // axis 0 of a [2,2]: each column is a slice. Transpose to rows, use the helper, transpose back.
  OpAttrs a;
  a.axis = 0;
  const std::vector<double> x{1, -1, 2, 0.5}, g{2, 1, -1, 0.25};
  std::vector<double> y, dx;
  softmax_rows({x[0], x[2], x[1], x[3]}, {g[0], g[2], g[1], g[3]}, 2, y, dx);
  OpCase c{"softmax", {t64(x, {2, 2})}, a, {y[0], y[2], y[1], y[3]},
           {{{dx[0], dx[2], dx[1], dx[3]}}}};
  c.upstream = g;
  expect_ad(c);
}

TEST(Softmax, LargeInputsDoNotOverflow) {
  // Only differences matter: softmax(x + 1000) = softmax(x).
  OpAttrs a;
  a.axis = -1;
  const std::vector<double> g{1, 0, -1};
  std::vector<double> y, dx;
  softmax_rows({0, 1, -0.5}, g, 3, y, dx);
  OpCase c{"softmax", {t64({1000, 1001, 999.5}, {3})}, a, y, {dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(Softmax, WrapperDefaultsToTheLastAxis) {
  const Tensor y = softmax(t64({0, 0, 1, 1}, {2, 2}));
  expect_values_near(y, {0.5, 0.5, 0.5, 0.5}, DType::f64, "softmax(x) along axis -1");
}

TEST(Softmax, AxisOutOfRangeNamesTheShape) {
  try {
    softmax(t64({1, 2, 3, 4, 5, 6}, {2, 3}), 2);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("softmax"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2,3]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(softmax(scalar64(1.0)), ShapeError);
  EXPECT_THROW(softmax(Tensor::constant({1, 2}, Shape{2}, DType::i32)), DTypeError);
}

}  // namespace tc::test
