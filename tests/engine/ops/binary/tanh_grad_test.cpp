#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/binary/backward_checks.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(TanhGrad, ValuesAndGradients) {
  // z = dy (1 - y²); dz/dy = -2 y dy; dz/ddy = 1 - y².
  expect_ad({"tanh_grad", {t64({0, 0.5, -0.9}, {3}), t64({2, -1, 0.5}, {3})}, {},
             {2, -0.75, 0.5 * (1 - 0.81)}, {{{0, 1, 0.9}}, {{1, 0.75, 1 - 0.81}}}});
}

TEST(TanhGrad, BroadcastUpstreamIsSummedBack) {
  // y [2, 2], dy [2]: dz/ddy sums 1 - y² over the broadcast rows.
  expect_ad({"tanh_grad", {t64({0, 0.5, 0.5, 0}, {2, 2}), t64({1, 2}, {2})}, {},
             {1, 1.5, 0.75, 2}, {{{0, -2, -1, 0}}, {{1.75, 1.75}}}});
}

TEST(TanhGrad, IsTanhsBackwardInOneOp) {
  // tanh's VJP is this op applied to the saved output and the upstream: one op, the same
  // values as dy (1 - tanh²x) computed op by op.
  const Tensor x = t64({-1.5, 0.25, 3}, {3});
  const Tensor dy = t64({0.5, -2, 1.25}, {3});
  const Tensor g = gradient_through(&tanh, x, dy);
  ASSERT_TRUE(g.defined());
  ASSERT_NE(g.impl()->op, nullptr);
  EXPECT_STREQ(g.impl()->op->name, "tanh_grad");
  for (std::int64_t i = 0; i < 3; ++i) {
    const double t = std::tanh(x[i]);
    EXPECT_EQ(g[i], dy[i] * (1 - t * t)) << i;
  }
}

}  // namespace tc::test
