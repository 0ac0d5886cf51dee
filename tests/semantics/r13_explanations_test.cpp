// R13: every None can be explained; the explanation names the cut nearest the target.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R13Explanations, NamesTheCutNearestTheTarget) {
  Tensor x = sc(1.3);
  x.named("x");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    tape.watch(x);
    Tensor r = round(stop_gradient(x) * sc(2));
    r.named("r");
    loss = r * sc(3);
    loss.named("loss");
  }
  const Gradients g = tape.gradient(loss, {x});
  ASSERT_EQ(g.why[0]->cuts.size(), 1u);
  EXPECT_EQ(g.why[0]->cuts[0].op, "round");
  EXPECT_EQ(g.why[0]->cuts[0].node, "'r'");
  EXPECT_EQ(g.why[0]->cuts[0].rule, CutRule::non_differentiable);
  EXPECT_EQ(g.why[0]->sentence(),
            "gradient of 'loss' with respect to 'x' is None: every path is cut — at node 'r': "
            "round has no gradient (non-differentiable)");
}

TEST(R13Explanations, OneCutPerPath) {
  Tensor x = sc(1.3);
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    tape.watch(x);
    loss = floor(x) + stop_gradient(x);
  }
  const Explanation e = tape.explain(loss, x);
  ASSERT_EQ(e.cuts.size(), 2u);
  std::set<CutRule> rules{e.cuts[0].rule, e.cuts[1].rule};
  EXPECT_EQ(rules, (std::set<CutRule>{CutRule::non_differentiable, CutRule::stop_gradient}));
}

TEST(R13Explanations, EveryReasonHasASentence) {
  for (NoneReason r : {NoneReason::not_watched, NoneReason::integer_source,
                       NoneReason::integer_target, NoneReason::no_path}) {
    Explanation e{r, "'t'", "'s'", "detail", {}};
    EXPECT_TRUE(contains(e.sentence(), "is None: ")) << e.sentence();
  }
}

}  // namespace tc::test
