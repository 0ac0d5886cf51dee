// S10: the same computation on an unwatched constant (None) and on a variable (value).
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S10UnwatchedConstantVsVariable, OnlyTheVariableGetsAGradient) {
  Tensor c = sc(3);
  Variable v(sc(3), true, "v");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = c * c + v * v;
  }
  const Gradients g = tape.gradient(loss, {c, v});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::not_watched);
  expect_tensor(g[1], {6}, Shape{}, DType::f64);
}

}  // namespace tc::test
