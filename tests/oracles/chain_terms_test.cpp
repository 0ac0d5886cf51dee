// oracles/chain_terms.hpp: the Σ|terms| of the chain rule behind each entry, and the
// tolerance it gives: a gradient that a VJP reaches by cancelling large terms is judged
// relative to them (softmax of f32 logits near 90 was a forward-mode false alarm), while a
// wrong gradient of the same graph is still a mismatch.
#include "oracles/chain_terms.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "oracles/complex_step.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;              // NOLINT
using namespace tc::oracles::test_support;  // NOLINT

TEST(ChainTerms, CountsTheTermsThatCancelNotTheirSum) {
  // loss = Σ (x·a - x·b) with a = b: the gradient a - b is 0, its terms |a| + |b|; and x·x
  // contributes two terms |x| each.
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, -3}, true), constant("%a", Shape{2}, {2, -4}),
              constant("%b", Shape{2}, {2, -4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%xa", "mul", {"%x", "%a"}), op("%xb", "mul", {"%x", "%b"}),
                         op("%d", "sub", {"%xa", "%xb"}), op("%xx", "mul", {"%x", "%x"}),
                         op("%s", "add", {"%d", "%xx"}), op("%loss", "reduce_sum", {"%s"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  const EntryPlan plan = plan_entries(o, run(g), "test", /*per_element=*/true);
  const std::vector<double> terms = chain_terms(o, plan, 1);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_DOUBLE_EQ(terms[0], 2 + 2 + 2 * 0.5);
  EXPECT_DOUBLE_EQ(terms[1], 4 + 4 + 2 * 3);
  // A direction u sums |u_i| times each element's terms.
  const EntryPlan directions = plan_entries(o, run(g), "test", /*per_element=*/false, {2, 5, 9});
  const std::vector<double> along = chain_terms(o, directions, 2);
  ASSERT_EQ(along.size(), 2u);
  for (std::size_t t = 0; t < 2; ++t)
    EXPECT_DOUBLE_EQ(along[t], std::abs(directions.directions[t][0]) * terms[0] +
                                   std::abs(directions.directions[t][1]) * terms[1]);
}

// softmax of f32 logits near exp's overflow, with a weighted upstream: the max element's
// gradient y·(g - Σ g·y) is ~5e-5 from terms of size ~1 (corpus/regressions/
// softmax_f32_large_logits.tcg).
graph::Graph large_logits() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{4}, {90, 80.5, 79.75, 78}, true, DType::f32),
              constant("%w", Shape{4}, {1.25, -0.75, 0.5, 2}, DType::f32)};
  g.tapes = {tape("t")};
  OpAttrs a;
  a.axis = 0;
  g.body = {record("t", {op("%y", "softmax", {"%x"}, a)}),
            gradient({"%g"}, "t", "%y", {"%x"}, {}, std::string("%w"))};
  return g;
}

TEST(ChainTerms, SoftmaxOfLargeF32LogitsIsJudgedRelativeToItsTerms) {
  const graph::Graph g = large_logits();
  const eut::RunResult r = run(g);
  for (const std::vector<Finding>& fs :
       {check_forward_mode(g, {}, r), check_complex_step(g, {}, r), check_finite_differences(g, {}, r)})
    for (const Finding& f : fs) EXPECT_EQ(f.outcome, Outcome::agree) << f.oracle << ": " << f.detail;
}

TEST(ChainTerms, AWrongSoftmaxGradientIsStillAMismatch) {
  // The same graph with the gradient of the max element off by 1% of the terms behind it.
  const graph::Graph g = large_logits();
  eut::RunResult r = run(g);
  ASSERT_FALSE(r.gradients.empty());
  ASSERT_TRUE(r.gradients[0].values[0].has_value());
  r.gradients[0].values[0]->data[0] += 0.01 * 1.25;
  for (const std::vector<Finding>& fs :
       {check_forward_mode(g, {}, r), check_complex_step(g, {}, r), check_finite_differences(g, {}, r)})
    for (const Finding& f : fs) EXPECT_EQ(f.outcome, Outcome::mismatch) << f.oracle << ": " << f.detail;
}

}  // namespace
}  // namespace tc::oracles
