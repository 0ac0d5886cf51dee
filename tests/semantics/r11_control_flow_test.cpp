// R11: cond records only the taken branch; while_loop records every iteration.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R11ControlFlow, CondGivesTheTakenBranchGradientAndNoneForTheUntakenOnly) {
  Tensor x = sc(2), a = sc(3), b = sc(5);
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    for (const Tensor& t : {x, a, b}) tape.watch(t);
    Tensor pred = greater(x, sc(0));  // true
    y = cond(pred, [&] { return x * a; }, [&] { return x * b; });
  }
  const Gradients g = tape.gradient(y, {x, a, b});
  expect_tensor(g[0], {3}, Shape{}, DType::f64);
  expect_tensor(g[1], {2}, Shape{}, DType::f64);
  EXPECT_NONE(g[2]);
  ASSERT_EQ(g.why[2]->reason, NoneReason::cut);
  EXPECT_EQ(g.why[2]->cuts.at(0).rule, CutRule::untaken_branch);
  EXPECT_TRUE(contains(g.why[2]->sentence(), "did not run")) << g.why[2]->sentence();
}

TEST(R11ControlFlow, CondPredicateIsNotDifferentiable) {
  Tensor x = sc(2), c = sc(7);
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = cond(greater(x, sc(0)), [&] { return c * sc(2); }, [&] { return c; });
  }
  const Gradients g = tape.gradient(y, {x});
  EXPECT_NONE(g[0]);
}

TEST(R11ControlFlow, CondPredicateMustBeAScalarBool) {
  EXPECT_THROW(cond(sc(1), [] { return sc(1); }, [] { return sc(2); }), DTypeError);
}

TEST(R11ControlFlow, WhileLoopGradientFlowsThroughEveryIteration) {
  Tensor x = sc(1.5);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    // i: i32 counter (no gradient); v ← v * x, three times: y = x³ ... times v0 = x → x⁴.
    auto out = while_loop([](const std::vector<Tensor>& s) { return less(s[0], sc(3, DType::i32)); },
                          [&](const std::vector<Tensor>& s) {
                            return std::vector<Tensor>{
                                cast(cast(s[0], DType::f64) + sc(1), DType::i32), s[1] * x};
                          },
                          {sc(0, DType::i32), x});
    EXPECT_EQ(out[0].item(), 3);
    y = out[1];
  }
  expect_tensor(tape.gradient(y, x), {4 * 1.5 * 1.5 * 1.5}, Shape{}, DType::f64);
}

TEST(R11ControlFlow, WhileLoopIterationCapIsAClearError) {
  EXPECT_THROW(while_loop([](const std::vector<Tensor>&) { return Tensor::scalar(1, DType::boolean); },
                          [](const std::vector<Tensor>& s) { return s; }, {sc(0)}, 10),
               LimitError);
}

}  // namespace tc::test
