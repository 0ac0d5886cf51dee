#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/nn.hpp"
#include "tests/engine/ops/nn/standardize_reference.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {

OpAttrs with_axes(std::vector<std::int64_t> axes, double epsilon = 1e-3) {
  OpAttrs a;
  a.axes = std::move(axes);
  a.epsilon = epsilon;
  return a;
}

TEST(LayerNorm, DefaultIsTheLastAxisWithUpstream) {
  const std::vector<double> x{1, 2, 0.5, -1, 0, 3}, g{1, -2, 0.5, 3, 0, -1};
  const Standardized s = standardize_groups(x, g, {{0, 1, 2}, {3, 4, 5}}, 1e-3);
  OpCase c{"layer_norm", {t64(x, {2, 3})}, with_axes({}), s.y, {s.dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(LayerNorm, ExplicitLeadingAxisAndEpsilon) {
  const std::vector<double> x{1, 2, 0.5, -1, 0, 3}, g{0.5, 1, -1, 2, 0.25, -0.5};
  const Standardized s = standardize_groups(x, g, {{0, 3}, {1, 4}, {2, 5}}, 0.1);
  OpCase c{"layer_norm", {t64(x, {2, 3})}, with_axes({0}, 0.1), s.y, {s.dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(LayerNorm, ConstantRowIsSmoothNotAKink) {
  // σ² = 0: y = 0 and dx = r (g - mean g) with r = 1/√ε.
  const std::vector<double> x{2, 2, 2}, g{1, -1, 3};
  const Standardized s = standardize_groups(x, g, {{0, 1, 2}}, 1e-3);
  OpCase c{"layer_norm", {t64(x, {3})}, with_axes({}), s.y, {s.dx}};
  c.upstream = g;
  expect_ad(c);
}

TEST(LayerNorm, SumOfOutputsHasZeroGradient) {
  // Σ y ≡ 0 along the axis: with upstream ones the gradient is exactly zero (not None).
  const std::vector<double> x{0.3, -1.2, 2.5, 0.7};
  expect_ad({"layer_norm", {t64(x, {4})}, with_axes({}),
             standardize_groups(x, {1, 1, 1, 1}, {{0, 1, 2, 3}}, 1e-3).y, {{{0, 0, 0, 0}}}});
}

TEST(LayerNorm, BadAttributesAndDtypesAreClearErrors) {
  try {
    layer_norm(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {2});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("layer_norm"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2,3]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(layer_norm(t64({1, 2}, {2}), {}, 0.0), ShapeError);
  EXPECT_THROW(layer_norm(Tensor::constant({1, 2}, Shape{2}, DType::i32)), DTypeError);
}

}  // namespace
}  // namespace tc::test
