#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/nn.hpp"
#include "tests/engine/ops/nn/standardize_reference.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {

OpAttrs with_axes(std::vector<std::int64_t> axes) {
  OpAttrs a;
  a.axes = std::move(axes);
  return a;
}

TEST(BatchNorm, DefaultIsEveryAxisButTheChannels) {
  // [batch 3, channels 2]: each channel over the batch; the statistics' gradient included.
  const std::vector<double> x{1, 2, 0.5, -1, 0, 3}, g{1, -2, 0.5, 3, 0, -1};
  const Standardized s = standardize_groups(x, g, {{0, 2, 4}, {1, 3, 5}}, 1e-3);
  OpCase c{"batch_norm", {t64(x, {3, 2})}, with_axes({}), s.y, {s.dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(BatchNorm, BatchAndSpatialAxesOfARank3Tensor) {
  // [batch 2, width 2, channels 2]: each channel over 4 elements.
  const std::vector<double> x{0.1, 1, -0.5, 2, 1.5, -1, 0.25, 0.5}, g{1, 2, -1, 0.5, 0.25, -2, 3, 1};
  const Standardized s = standardize_groups(x, g, {{0, 2, 4, 6}, {1, 3, 5, 7}}, 1e-3);
  OpCase c{"batch_norm", {t64(x, {2, 2, 2})}, with_axes({}), s.y, {s.dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(BatchNorm, SumOfOutputsHasZeroGradient) {
  // reduce_sum(batch_norm(x)) ≡ 0: the gradient is exactly zero (the FD false alarm that held
  // this op back was the oracles' tolerance, not this value).
  const std::vector<double> x{1, 2, 0.5, -1, 0, 3};
  expect_ad({"batch_norm", {t64(x, {3, 2})}, with_axes({}),
             standardize_groups(x, std::vector<double>(6, 1), {{0, 2, 4}, {1, 3, 5}}, 1e-3).y,
             {{std::vector<double>(6, 0.0)}}});
}

TEST(BatchNorm, AVectorIsOneGroup) {
  const std::vector<double> x{0.5, -0.25, 2}, g{2, 1, -1};
  const Standardized s = standardize_groups(x, g, {{0, 1, 2}}, 1e-3);
  OpCase c{"batch_norm", {t64(x, {3})}, with_axes({}), s.y, {s.dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(BatchNorm, BadAxesAndDtypesAreClearErrors) {
  EXPECT_THROW(batch_norm(t64({1, 2, 3, 4}, {2, 2}), {0, 0}), ShapeError);
  EXPECT_THROW(batch_norm(t64({1, 2, 3, 4}, {2, 2}), {-3}), ShapeError);
  EXPECT_THROW(batch_norm(Tensor::constant({1, 2}, Shape{2}, DType::i32)), DTypeError);
}

}  // namespace
}  // namespace tc::test
