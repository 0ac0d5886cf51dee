// S1: the weight is a plain constant instead of a Variable → None, "not watched".
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S01ConstantInsteadOfVariable, ConstantWeightGivesNoneAndSaysWhy) {
  Tensor x = vec({1, 2}), y_true = vec({3, 5});
  Tensor w = sc(0.5);
  w.named("w");
  Variable w_var(sc(0.5), true, "w_var");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    Tensor e1 = x * w - y_true, e2 = x * w_var - y_true;
    loss = reduce_sum(e1 * e1 + e2 * e2);
    loss.named("loss");
  }
  const Gradients g = tape.gradient(loss, {w, w_var});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::not_watched);
  EXPECT_EQ(g.why[0]->sentence(),
            "gradient of 'loss' with respect to 'w' is None: 'w' is not watched (it is a plain "
            "tensor, not a Variable; call tape.watch() on it)");
  // d/dw Σ (x w − y)² = Σ 2 x (x w − y) = 2·1·(−2.5) + 2·2·(−4) = −21
  expect_tensor(g[1], {-21}, Shape{}, DType::f64);
}

}  // namespace tc::test
