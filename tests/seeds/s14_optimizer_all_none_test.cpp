// S14: an optimizer step given all-None gradients fails naming every variable and its reason.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S14OptimizerAllNone, ErrorNamesEveryVariableAndItsReason) {
  Variable w1(sc(1), true, "dense/kernel"), w2(sc(2), true, "dense/bias");
  Variable frozen(sc(3), false, "frozen");
  Tensor x = sc(4);
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = round(w1 * x) + stop_gradient(w2) + frozen;
  }
  const Gradients g = tape.gradient(loss, {w1, w2, frozen});
  try {
    SGD(0.01).apply_gradients(g, {w1, w2, frozen});
    FAIL() << "expected NoGradientsError";
  } catch (const NoGradientsError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(contains(m, "No gradients provided for any variable")) << m;
    EXPECT_TRUE(contains(m, "'dense/kernel'") && contains(m, "round has no gradient")) << m;
    EXPECT_TRUE(contains(m, "'dense/bias'") && contains(m, "stop_gradient blocks")) << m;
    EXPECT_TRUE(contains(m, "'frozen'") && contains(m, "trainable=false")) << m;
  }
}

}  // namespace tc::test
