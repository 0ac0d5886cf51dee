#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/loss/loss.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(SoftmaxCrossEntropyWithLogits, OneHotAndSoftLabels) {
  // Row 0: z one-hot at 0, x = [1,2,3]: y = lse - 1, dx = softmax - z, dz = lse - x.
  // Row 1: z = [0.5,0.5,0], x = 0: y = log 3, dx = 1/3 - z, dz = log 3.
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  std::vector<double> p0;
  for (double v : {1.0, 2.0, 3.0}) p0.push_back(std::exp(v - lse));
  const double l3 = std::log(3.0);
  expect_ad({"softmax_cross_entropy_with_logits",
             {t64({1, 0, 0, 0.5, 0.5, 0}, {2, 3}), t64({1, 2, 3, 0, 0, 0}, {2, 3})},
             {},
             {lse - 1, l3},
             {{{lse - 1, lse - 2, lse - 3, l3, l3, l3}},
              {{p0[0] - 1, p0[1], p0[2], 1.0 / 3 - 0.5, 1.0 / 3 - 0.5, 1.0 / 3}}}});
}

TEST(SoftmaxCrossEntropyWithLogits, LabelsThatDoNotSumToOne) {
  // z = [1, 1], x = [0, 0]: y = 2 log 2; dx = softmax·Σz - z = [0, 0]; dz = [log 2, log 2].
  expect_ad({"softmax_cross_entropy_with_logits", {t64({1, 1}, {2}), t64({0, 0}, {2})}, {}, {2 * std::log(2.0)},
             {{{std::log(2.0), std::log(2.0)}}, {{0, 0}}}});
}

TEST(SoftmaxCrossEntropyWithLogits, ShapesMustMatch) {
  expect_error_naming<ShapeError>(
      [] { softmax_cross_entropy_with_logits(t64({0, 1}, {2}), t64({1, 2, 3}, {3})); },
      {"softmax_cross_entropy_with_logits", "[2]", "[3]"});
}

}  // namespace tc::test
