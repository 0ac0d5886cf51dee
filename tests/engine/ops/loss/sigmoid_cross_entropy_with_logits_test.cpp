#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/loss/loss.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(SigmoidCrossEntropyWithLogits, SoftplusMinusXzAndItsPartials) {
  // y = softplus(x) - x z; dx = sigmoid(x) - z, dz = -x.
  auto sp = [](double x) { return std::log1p(std::exp(x)); };
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  const std::vector<double> z{0, 1, 0.5}, x{0, 2, -1};
  std::vector<double> y, dx, dz;
  for (int i = 0; i < 3; ++i) {
    y.push_back(sp(x[i]) - x[i] * z[i]);
    dx.push_back(sig(x[i]) - z[i]);
    dz.push_back(-x[i]);
  }
  expect_ad({"sigmoid_cross_entropy_with_logits", {t64(z, {3}), t64(x, {3})}, {}, y, {dz, dx}});
}

TEST(SigmoidCrossEntropyWithLogits, LargeLogitsDoNotOverflow) {
  // x = ±800: exp(800) overflows, the stable form gives 800·(1 - z) and 800·z exactly.
  const Tensor y = sigmoid_cross_entropy_with_logits(t64({0.25, 0.25}, {2}), t64({800, -800}, {2}));
  EXPECT_DOUBLE_EQ(y[0], 600);
  EXPECT_DOUBLE_EQ(y[1], 200);
}

TEST(SigmoidCrossEntropyWithLogits, ShapesMustMatch) {
  expect_error_naming<ShapeError>([] { sigmoid_cross_entropy_with_logits(t64({0, 1}, {2}), t64({1}, {1})); },
                                  {"sigmoid_cross_entropy_with_logits", "[2]", "[1]"});
}

}  // namespace tc::test
