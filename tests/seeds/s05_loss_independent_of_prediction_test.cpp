// S5: the loss does not depend on the prediction → None, "no path".
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S05LossIndependentOfPrediction, NoneWithNoPath) {
  Variable w(sc(2), true, "w");
  Tensor x = vec({1, 2}), y_true = vec({1, 1});
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    Tensor pred = x * w;
    (void)pred;
    loss = reduce_sum(y_true * y_true);  // bug: pred unused
    loss.named("loss");
  }
  const Gradients g = tape.gradient(loss, {w});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::no_path);
  EXPECT_TRUE(contains(g.why[0]->sentence(), "'loss' does not depend on 'w'")) << g.why[0]->sentence();
}

}  // namespace tc::test
