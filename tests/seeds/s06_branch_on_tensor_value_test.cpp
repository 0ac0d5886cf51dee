// S6: branching on a tensor value gives the taken branch's gradient; a path through an
// integer-valued condition gives None.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S06BranchOnTensorValue, TakenBranchGradient) {
  Variable w(sc(-2), true, "w");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = cond(less(w.read(), sc(0)), [&] { return w * w * sc(3); }, [&] { return w * sc(100); });
  }
  expect_tensor(tape.gradient(loss, w), {6 * -2.0}, Shape{}, DType::f64);
}

TEST(S06BranchOnTensorValue, IntegerValuedConditionPathIsNone) {
  Variable w(sc(-2), true, "w");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = cast(less(w.read(), sc(0)), DType::f64) * sc(3);  // a 0/1 indicator
  }
  const Gradients g = tape.gradient(loss, {w});
  EXPECT_NONE(g[0]);
  // Nearest the target (R13): the cast of the bool produced by `less`.
  EXPECT_EQ(g.why[0]->cuts.at(0).op, "cast");
  EXPECT_EQ(g.why[0]->cuts.at(0).rule, CutRule::integer_dtype);
  EXPECT_TRUE(contains(g.why[0]->sentence(), "(less) has dtype bool")) << g.why[0]->sentence();
}

}  // namespace tc::test
