// S7: stop_gradient on the only path → None, "stop_gradient".
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S07StopGradientOnlyPath, NoneNamingStopGradient) {
  Variable w(sc(2), true, "w");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    Tensor target = stop_gradient(w * sc(3));
    target.named("target");
    loss = target * target;
    loss.named("loss");
  }
  const Gradients g = tape.gradient(loss, {w});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->sentence(),
            "gradient of 'loss' with respect to 'w' is None: every path is cut — at node "
            "'target': stop_gradient blocks the gradient");
}

}  // namespace tc::test
