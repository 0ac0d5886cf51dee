#include <gtest/gtest.h>

#include "engine/api.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceSum, AllAxes) {
  expect_ad({"reduce_sum", {t64({1, 2, 3, 4}, {2, 2})}, {}, {10}, {{{1, 1, 1, 1}}}});
}

TEST(ReduceSum, OneAxisKeepdims) {
  OpAttrs a;
  a.axes = {1};
  a.keepdims = true;
  OpCase c{"reduce_sum", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, a, {6, 15}, {{{2, 2, 2, -1, -1, -1}}}};
  c.upstream = std::vector<double>{2, -1};
  expect_ad(c);
}

TEST(ReduceSum, NegativeAxis) {
  OpAttrs a;
  a.axes = {-2};
  expect_ad({"reduce_sum", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, a, {5, 7, 9}, {{{1, 1, 1, 1, 1, 1}}}});
}

TEST(ReduceSum, AFullReductionSpreadsItsScalarUpstreamWithoutAReshape) {
  // Every loss is a full reduction: its backward is one broadcast_to of the rank-0 upstream
  // (engine/ops/grad_util.hpp, upstream_with_kept_axes), no reshape to [1, 1] first.
  const Tensor x = t64({1, 2, 3, 4, 5, 6}, {2, 3});
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    tape.watch(x);
    loss = reduce_sum(x);
  }
  const std::optional<Tensor> g = tape.gradient(loss, x);
  ASSERT_TRUE(g.has_value());
  ASSERT_NE(g->impl()->op, nullptr);
  EXPECT_STREQ(g->impl()->op->name, "broadcast_to");
  ASSERT_EQ(g->impl()->inputs.size(), 1u);
  EXPECT_EQ(g->impl()->inputs[0].shape().rank(), 0);
  EXPECT_EQ(g->values(), std::vector<double>(6, 1.0));
}

}  // namespace tc::test
