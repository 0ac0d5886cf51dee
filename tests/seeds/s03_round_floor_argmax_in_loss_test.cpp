// S3: round, floor, argmax in the loss → None (not zero), naming the op.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S03RoundFloorArgmaxInLoss, EachGivesNoneNamingTheOp) {
  struct Case {
    const char* op;
    std::function<Tensor(const Tensor&)> f;
  };
  const std::vector<Case> cases = {
      {"round", [](const Tensor& p) { return reduce_sum(round(p)); }},
      {"floor", [](const Tensor& p) { return reduce_sum(floor(p)); }},
      {"argmax", [](const Tensor& p) { return cast(argmax(p, 0), DType::f64); }},
  };
  for (const Case& c : cases) {
    Variable w(vec({0.3, 1.7, 0.9}), true, "w");
    GradientTape tape;
    Tensor loss;
    {
      auto rec = tape.recording();
      loss = c.f(w * sc(2));
    }
    const Gradients g = tape.gradient(loss, {w});
    EXPECT_NONE(g[0]);
    ASSERT_TRUE(g.why[0]) << c.op;
    ASSERT_EQ(g.why[0]->reason, NoneReason::cut) << c.op;
    const Cut& cut = g.why[0]->cuts.at(0);
    if (std::string(c.op) == "argmax") {
      // argmax is i32: the cut nearest the target (R13) is the cast of that integer, and the
      // sentence names argmax as the integer's producer.
      EXPECT_EQ(cut.op, "cast");
      EXPECT_EQ(cut.rule, CutRule::integer_dtype);
      EXPECT_TRUE(contains(g.why[0]->sentence(), "(argmax) has dtype i32")) << g.why[0]->sentence();
    } else {
      EXPECT_EQ(cut.op, c.op);
      EXPECT_EQ(cut.rule, CutRule::non_differentiable);
    }
  }
}

}  // namespace tc::test
