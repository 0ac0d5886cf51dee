#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/binary/backward_checks.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(SigmoidGrad, ValuesAndGradients) {
  // z = dy y (1 - y); dz/dy = dy (1 - 2y); dz/ddy = y (1 - y).
  expect_ad({"sigmoid_grad", {t64({0.5, 0.2, 0.9}, {3}), t64({2, -1, 0.5}, {3})}, {},
             {0.5, -0.16, 0.5 * 0.9 * 0.1}, {{{0, -0.6, -0.4}}, {{0.25, 0.16, 0.9 * 0.1}}}});
}

TEST(SigmoidGrad, IsSigmoidsBackwardInOneOp) {
  // sigmoid's VJP is this op applied to the saved output and the upstream: one op, the same
  // values as dy y (1 - y) computed op by op.
  const Tensor x = t64({-1.5, 0.25, 3}, {3});
  const Tensor dy = t64({0.5, -2, 1.25}, {3});
  const Tensor g = gradient_through(&sigmoid, x, dy);
  const Tensor y = sigmoid(x);
  ASSERT_TRUE(g.defined());
  ASSERT_NE(g.impl()->op, nullptr);
  EXPECT_STREQ(g.impl()->op->name, "sigmoid_grad");
  for (std::int64_t i = 0; i < 3; ++i) EXPECT_EQ(g[i], dy[i] * (y[i] * (1 - y[i]))) << i;
}

}  // namespace tc::test
