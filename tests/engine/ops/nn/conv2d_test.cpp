#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/conv.hpp"
#include "tests/engine/ops/nn/window_attrs.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Conv2d, OneValidWindow) {
  // A 2x2 image under a 2x2 filter: y = Σ x·w; dx = w, dw = x.
  expect_ad({"conv2d", {t64({1, 2, 3, 4}, {1, 2, 2, 1}), t64({1, 0, 0, -1}, {2, 2, 1, 1})}, window_attrs({}, "valid"), {-3},
             {{{1, 0, 0, -1}}, {{1, 2, 3, 4}}}});
}

TEST(Conv2d, SamePadsAfterOnEachAxis) {
  // 2x2 image, 2x2 ones filter, "same": one zero row and column after. y[i,j] sums x over
  // [i, i+1] x [j, j+1] inside: [10, 6, 7, 4]. dx[i,j] counts the windows holding (i, j);
  // dw[k] sums the x each tap read: [10, 2+4, 3+4, 4].
  expect_ad({"conv2d", {t64({1, 2, 3, 4}, {1, 2, 2, 1}), t64({1, 1, 1, 1}, {2, 2, 1, 1})}, window_attrs({}, "same"),
             {10, 6, 7, 4}, {{{1, 2, 2, 4}}, {{10, 6, 7, 4}}}});
}

TEST(Conv2d, StridesSkipRowsAndColumnsAcrossABatch) {
  // Two 3x3 images 0..8 and 9..17, a 1x1 filter 2, stride 2: the corners, doubled.
  std::vector<double> x(18);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
  const std::vector<double> corner{1, 0, 1, 0, 0, 0, 1, 0, 1};
  std::vector<double> dx = corner;
  dx.insert(dx.end(), corner.begin(), corner.end());
  for (double& v : dx) v *= 2;
  expect_ad({"conv2d", {t64(x, {2, 3, 3, 1}), t64({2}, {1, 1, 1, 1})}, window_attrs({2, 2}, "valid"),
             {0, 4, 12, 16, 18, 22, 30, 34}, {{dx}, {{0 + 2 + 6 + 8 + 9 + 11 + 15 + 17}}}});
}

TEST(Conv2d, DilationOnOneAxis) {
  // A 1x3 image [1, 2, 3], a 1x2 filter [1, 10] dilated by 2 along the width: y = 1 + 30.
  expect_ad({"conv2d", {t64({1, 2, 3}, {1, 1, 3, 1}), t64({1, 10}, {1, 2, 1, 1})}, window_attrs({}, "valid", {1, 2}), {31},
             {{{1, 0, 10}}, {{1, 3}}}});
}

TEST(Conv2d, BadOperandsRaise) {
  const Tensor x = t64({1, 2, 3, 4}, {1, 2, 2, 1});
  expect_error_naming<ShapeError>([&] { conv2d(x, t64({1, 2}, {1, 1, 2, 1})); }, {"conv2d", "in_channels 2"});
  expect_error_naming<ShapeError>([&] { conv2d(x, t64({1}, {1, 1, 1, 1}), {1}); }, {"conv2d", "strides [1]"});
  expect_error_naming<ShapeError>([&] { conv2d(x, t64({1}, {1, 1, 1})); }, {"conv2d", "rank 4"});
}

}  // namespace tc::test
