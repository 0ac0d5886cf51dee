// S2: the forward pass ran before the tape started → None, "computed while not recording".
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S02ForwardPassBeforeTape, GradientIsNoneAndTheCutIsTheForwardOp) {
  Variable w(sc(2), true, "w");
  Tensor x = vec({1, 2});
  Tensor pred = x * w;  // outside any tape
  pred.named("pred");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = reduce_sum(pred * pred);
    loss.named("loss");
  }
  const Gradients g = tape.gradient(loss, {w});
  EXPECT_NONE(g[0]);
  ASSERT_EQ(g.why[0]->reason, NoneReason::cut);
  ASSERT_EQ(g.why[0]->cuts.size(), 1u);
  EXPECT_EQ(g.why[0]->cuts[0].node, "'pred'");
  EXPECT_EQ(g.why[0]->cuts[0].rule, CutRule::outside_recording);
  EXPECT_TRUE(contains(g.why[0]->sentence(),
                       "at node 'pred': it was computed while the tape was not recording"))
      << g.why[0]->sentence();
}

}  // namespace tc::test
