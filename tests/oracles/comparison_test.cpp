// oracles/comparison.hpp: which engine gradient an oracle compares, the entries of a statement
// (elements or seeded random directions), a source's summary finding, and kink detection.
#include "oracles/comparison.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

// d loss / d x for loss = reduce_sum(relu(x) * w): the base point x = [-1, 0.5, 2] has no kink
// within reach of element 1 or 2; element 0 at -1 neither, but x = 0 would be one.
graph::Graph relu_graph(std::vector<double> x) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, std::move(x)), constant("%w", Shape{3}, {1, 2, 3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%r", "relu", {"%x"}), op("%p", "mul", {"%r", "%w"}), op("%l", "reduce_sum", {"%p"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  return g;
}

eut::RunResult engine_result(std::vector<double> gradient) {
  eut::RunResult r;
  eut::GradientResult gr;
  gr.values.push_back(eut::Value{DType::f64, Shape{3}, std::move(gradient)});
  gr.why_none.emplace_back();
  r.gradients.push_back(std::move(gr));
  return r;
}

TEST(Comparison, PlansEveryElementWithTheEnginesNumber) {
  const Objective o = make_objective(relu_graph({-1, 0.5, 2}), {}, 0);
  const EntryPlan plan = plan_entries(o, engine_result({0, 2, 3}), "test", /*per_element=*/true);
  ASSERT_EQ(plan.tasks.size(), 3u);
  EXPECT_EQ(plan.first, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(plan.engine_entries[1].value, 2);
  EXPECT_EQ(plan.engine_entries[2].terms, 3);
  EXPECT_FALSE(plan.early[0].has_value());
}

TEST(Comparison, ProjectionEntriesAreSeededDotProducts) {
  const Objective o = make_objective(relu_graph({-1, 0.5, 2}), {}, 0);
  const DirectionDraw draw{4, 17, 0x99};
  const EntryPlan a = plan_entries(o, engine_result({0, 2, 3}), "test", false, draw);
  const EntryPlan b = plan_entries(o, engine_result({0, 2, 3}), "test", false, draw);
  ASSERT_EQ(a.tasks.size(), 4u);
  EXPECT_EQ(a.directions, b.directions);
  const std::vector<double>& u = a.directions[2];
  EXPECT_DOUBLE_EQ(a.engine_entries[2].value, 2 * u[1] + 3 * u[2]);
  EXPECT_DOUBLE_EQ(a.engine_entries[2].direction_norm, std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]));
}

TEST(Comparison, NothingToCompareIsAFindingThatSaysWhy) {
  const Objective o = make_objective(relu_graph({-1, 0.5, 2}), {}, 0);
  eut::RunResult none;
  none.gradients.emplace_back();
  none.gradients[0].values.emplace_back(std::nullopt);
  none.gradients[0].why_none.emplace_back("not watched");
  const EngineGradient eg = engine_gradient(o, none, 0, "test");
  ASSERT_TRUE(eg.finding.has_value());
  EXPECT_EQ(eg.finding->outcome, Outcome::not_applicable);
  EXPECT_NE(eg.finding->detail.find("None (not watched)"), std::string::npos) << eg.finding->detail;
  const EngineGradient wrong = engine_gradient(o, engine_result({1, 2}), 0, "test");
  ASSERT_TRUE(wrong.finding.has_value());
  EXPECT_EQ(wrong.finding->outcome, Outcome::mismatch);  // a gradient of the wrong shape
}

TEST(Comparison, SummaryCountsAndNamesTheWorstEntry) {
  const Objective o = make_objective(relu_graph({-1, 0.5, 2}), {}, 0);
  std::vector<EntryCheck> entries(3);
  entries[0] = {EntryCheck::State::agree, 1.0, 1.0, 0, 1e-9, ""};
  entries[1] = {EntryCheck::State::mismatch, 2.5, 2.0, 0, 1e-9, ""};
  entries[2] = {EntryCheck::State::inconclusive, 0, 0, 0, 0, "a kink"};
  const Finding f = summarize(o, 0, "test", entries, "element", true);
  EXPECT_EQ(f.outcome, Outcome::mismatch);
  EXPECT_EQ(f.entries_checked, 2);
  EXPECT_EQ(f.entries_inconclusive, 1);
  EXPECT_EQ(f.worst_entry, 1);
  EXPECT_DOUBLE_EQ(f.max_abs_error, 0.5);
  EXPECT_NE(f.detail.find("1 of 3 elements disagree; worst element 1: engine 2.5, test 2"), std::string::npos)
      << f.detail;
  EXPECT_NE(f.detail.find("1 inconclusive (a kink)"), std::string::npos) << f.detail;
}

TEST(Comparison, KinksAreFoundWithinReachOnly) {
  const Objective o = make_objective(relu_graph({-1e-3, 0.5, 2}), {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ObjectiveRunner<double> runner(o);
  EXPECT_EQ(near_kink(o, runner, 0, 0, nullptr, 1e-2), NearKink::branch);  // relu's kink at 0 is 1e-3 away
  EXPECT_EQ(near_kink(o, runner, 0, 0, nullptr, 1e-4), NearKink::none);
  EXPECT_EQ(near_kink(o, runner, 0, 1, nullptr, 0.1), NearKink::none);
  EXPECT_EQ(runner.source(0), o.base.at("%x"));  // left at the base point
}

TEST(Comparison, RandomDirectionsAreSeededAndBounded) {
  const std::vector<double> a = random_direction(1000, 5), b = random_direction(1000, 5),
                            c = random_direction(1000, 6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  int positive = 0;
  for (double x : a) {
    EXPECT_GE(std::abs(x), 0.5);
    EXPECT_LT(std::abs(x), 1.0);
    positive += x > 0;
  }
  EXPECT_GT(positive, 400);
  EXPECT_LT(positive, 600);
}

}  // namespace
}  // namespace tc::oracles
