#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/loss/loss.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(SparseSoftmaxCrossEntropyWithLogits, LabelsGetNoneAndLogitsSoftmaxMinusOneHot) {
  // labels [2, 0], logits [[1,2,3],[0,0,0]]: y = lse - x[label]; dx = softmax - one_hot.
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  std::vector<double> p0;
  for (double v : {1.0, 2.0, 3.0}) p0.push_back(std::exp(v - lse));
  expect_ad({"sparse_softmax_cross_entropy_with_logits",
             {i32({2, 0}, {2}), t64({1, 2, 3, 0, 0, 0}, {2, 3})},
             {},
             {lse - 3, std::log(3.0)},
             {std::nullopt, {{p0[0], p0[1], p0[2] - 1, 1.0 / 3 - 1, 1.0 / 3, 1.0 / 3}}}});
}

TEST(SparseSoftmaxCrossEntropyWithLogits, LabelOutOfRangeAndShapesRaise) {
  expect_error_naming<Error>(
      [] { sparse_softmax_cross_entropy_with_logits(i32({3}, {1}), t64({1, 2, 3}, {1, 3})); },
      {"sparse_softmax_cross_entropy_with_logits", "label 3", "[0, 3)"});
  expect_error_naming<ShapeError>(
      [] { sparse_softmax_cross_entropy_with_logits(i32({0, 1}, {2}), t64({1, 2, 3}, {1, 3})); },
      {"sparse_softmax_cross_entropy_with_logits", "[2]", "[1,3]"});
}

}  // namespace tc::test
