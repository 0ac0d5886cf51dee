// The reference engine through the EngineUnderTest interface: graphs built in code, run
// end to end (values, gradients vs None and why, errors with locations, second order,
// control flow, forward mode by double backward).
#include <gtest/gtest.h>

#include <cmath>

#include "engine/rules.hpp"
#include "eut/engine_under_test.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/eut/scenarios.hpp"
#include "tests/eut/run_for_gradients.hpp"
#include "tests/support/tolerances.hpp"

namespace tc::eut {
namespace {

using namespace tc::test::ir;         // NOLINT
using namespace tc::test::scenarios;  // NOLINT

RunResult run(const graph::Graph& g, const InputValues& inputs = {}) {
  return make_reference_engine()->run(g, inputs);
}

void expect_data(const Value& v, const std::vector<double>& expected, const std::string& what) {
  ASSERT_EQ(v.data.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(v.data[i], expected[i], 1e-12 * (1 + std::abs(expected[i]))) << what << "[" << i << "]";
}

void expect_value(const RunResult& r, const std::string& name, const std::vector<double>& expected) {
  ASSERT_TRUE(r.values.count(name)) << name << " not defined";
  expect_data(r.values.at(name), expected, name);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(ReferenceEngine, ForwardValuesAndGradientOfAnAutoWatchedVariable) {
  const RunResult r = run(weighted_sum());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%w", {1, 2, 3});
  expect_value(r, "%p", {4, 10, 18});
  expect_value(r, "%loss", {32});
  ASSERT_EQ(r.gradients.size(), 1u);
  const GradientResult& g = r.gradients[0];
  ASSERT_EQ(g.values.size(), 2u);
  ASSERT_TRUE(g.values[0]);
  EXPECT_EQ(g.values[0]->shape, (Shape{3}));
  expect_data(*g.values[0], {4, 5, 6}, "d loss / d w");
  EXPECT_EQ(g.why_none[0], "");
  // x is a constant nobody watched (R2): None, explained in terms of the IR's names.
  EXPECT_FALSE(g.values[1]);
  EXPECT_TRUE(contains(g.why_none[1], "'loss'")) << g.why_none[1];
  EXPECT_TRUE(contains(g.why_none[1], "'x'")) << g.why_none[1];
  EXPECT_TRUE(contains(g.why_none[1], "not watched")) << g.why_none[1];
  expect_value(r, "%gw", {4, 5, 6});
  EXPECT_FALSE(r.values.count("%gx"));  // a None result is not a value
}

// run_for_gradients: the gradients (values, None and why) and the error of run(), nothing else.
// The second-order oracle caps another engine's observed rounding by the reference's; the
// reference itself, and only it, is told apart (a mutant runs the same engine on other rules).
TEST(ReferenceEngine, IsToldApartFromAnEngineOnOtherRulesUnderAnyName) {
  EXPECT_TRUE(is_reference_engine(*make_reference_engine()));
  EXPECT_FALSE(is_reference_engine(*make_reference_engine(RuleSet(), "reference")));
}

TEST(ReferenceEngine, RunForGradientsGivesRunsGradientsAndErrorOnly) {
  test::expect_run_for_gradients_is_runs_gradients(*make_reference_engine());
}

TEST(ReferenceEngine, AnOptimizerStepUpdatesVariablesForLaterStatementsAndWarnsAboutNone) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}), variable("%u", Shape{}, {7})};
  g.inputs[0].dtype = g.inputs[1].dtype = DType::f32;
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%loss", "reduce_sum", {"%w"})}), gradient({"%gw", "%gu"}, "t", "%loss", {"%w", "%u"}),
            {graph::ApplyGradients{{"%gw", "%gu"}, {"%w", "%u"}, 0.25}, {}}, op("%after", "neg", {"%w"})};
  const RunResult r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%w", {1, 2});  // the value the graph read, before the step
  expect_value(r, "%after", {-0.75, -1.75});
  ASSERT_EQ(r.steps.size(), 1u);
  ASSERT_TRUE(r.steps[0].variables[0]);
  expect_data(*r.steps[0].variables[0], {0.75, 1.75}, "w after the step");
  EXPECT_FALSE(r.steps[0].variables[1]);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0], "Gradients do not exist for variables 'u'")) << r.warnings[0];
  EXPECT_TRUE(contains(r.warnings[0], "does not depend on 'u'")) << r.warnings[0];
}

TEST(ReferenceEngine, InputOverridesReplaceInits) {
  InputValues in;
  in["%x"] = Value{DType::f64, Shape{3}, {1, 1, 1}};
  const RunResult r = run(weighted_sum(), in);
  expect_value(r, "%loss", {6});
  expect_data(*r.gradients[0].values[0], {1, 1, 1}, "d loss / d w");
}

TEST(ReferenceEngine, NonTrainableVariableIsWatchedOnlyWhenTold) {
  graph::Graph g = non_trainable_square();
  RunResult r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_FALSE(r.gradients[0].values[0]);
  EXPECT_TRUE(contains(r.gradients[0].why_none[0], "trainable")) << r.gradients[0].why_none[0];

  g.body.insert(g.body.begin(), record("t", {watch("t", {"%w"})}));
  r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_TRUE(r.gradients[0].values[0]);
  expect_data(*r.gradients[0].values[0], {6, -2}, "d y / d w");
}

TEST(ReferenceEngine, WatchAccessedVariablesFalseDoesNotAutoWatch) {
  graph::Graph g = weighted_sum();
  g.tapes = {tape("t", false, /*watch_accessed_variables=*/false)};
  const RunResult r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_FALSE(r.gradients[0].values[0]);
}

TEST(ReferenceEngine, StopRecordingAndOpsOutsideTheTapeAreConstants) {
  const RunResult r = run(outside_and_stop_recording());
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 3u);
  expect_data(*r.gradients[0].values[0], {4}, "only the recorded path a = w*w");
  EXPECT_FALSE(r.gradients[1].values[0]);
  EXPECT_TRUE(contains(r.gradients[1].why_none[0], "stop_recording")) << r.gradients[1].why_none[0];
  // d = before * w: before was computed before the tape started (R1), a constant to it.
  expect_data(*r.gradients[2].values[0], {std::exp(2.0)}, "d d / d w");
}

TEST(ReferenceEngine, OutputGradientsAndUnconnectedZero) {
  const RunResult r = run(output_gradients_and_unconnected_zero());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_data(*r.gradients[0].values[0], {6, 80}, "2 x og");
  ASSERT_TRUE(r.gradients[0].values[1]);  // R7: zeros, not None
  expect_data(*r.gradients[0].values[1], {0, 0}, "unconnected zero");
}

TEST(ReferenceEngine, ShapeErrorIsRaisedAtTheOpWithItsLocation) {
  const RunResult r = run(shape_error_at_line_3());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "shape");
  EXPECT_EQ(r.error->at.line, 3);
  EXPECT_EQ(r.error->at.column, 7);
  EXPECT_TRUE(contains(r.error->message, "[2,3]")) << r.error->message;
  EXPECT_TRUE(contains(r.error->message, "[4]")) << r.error->message;
  // Values defined before the error are still reported; nothing after it ran.
  expect_value(r, "%c", {-1, -2, -3, -4, -5, -6});
  EXPECT_FALSE(r.values.count("%d"));
  EXPECT_FALSE(r.values.count("%e"));
  EXPECT_TRUE(r.gradients.empty());
}

TEST(ReferenceEngine, SecondGradientOnANonPersistentTapeIsATapeError) {
  graph::Graph g = weighted_sum();
  g.body.push_back(gradient({"%again"}, "t", "%loss", {"%w"}, at(9, 3)));
  const RunResult r = run(g);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "tape");
  EXPECT_EQ(r.error->at.line, 9);
  EXPECT_TRUE(contains(r.error->message, "persistent")) << r.error->message;
  EXPECT_EQ(r.gradients.size(), 1u);  // the first call's results are kept
  expect_value(r, "%gw", {4, 5, 6});
}

TEST(ReferenceEngine, PersistentTapeGivesIdenticalRepeatedGradients) {
  graph::Graph g = weighted_sum();
  g.tapes[0].persistent = true;
  g.body.push_back(gradient({"%gw2", "%gx2"}, "t", "%loss", {"%w", "%x"}));
  const RunResult r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 2u);
  EXPECT_EQ(r.gradients[0].values[0]->data, r.gradients[1].values[0]->data);
  EXPECT_FALSE(r.gradients[1].values[1]);
}

TEST(ReferenceEngine, UsingANoneGradientIsAnError) {
  graph::Graph g = weighted_sum();
  g.body.push_back(op("%h", "mul", {"%gx", "%gw"}, {}, at(7)));
  const RunResult r = run(g);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, ErrorKind::none_used);  // as the connectivity oracle predicts it
  EXPECT_EQ(r.error->at.line, 7);
  EXPECT_EQ(r.error->message.rfind("%gx is None (", 0), 0u) << r.error->message;
  EXPECT_TRUE(contains(r.error->message, "not watched")) << r.error->message;
}

TEST(ReferenceEngine, MalformedGraphsAreErrorsNotExceptions) {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{}, {1})};
  g.tapes = {tape("t")};
  for (const graph::Statement& s :
       {op("%y", "no_such_op", {"%x"}, {}, at(1)), op("%y", "neg", {"%undefined"}, {}, at(1)),
        record("nope", {}, at(1)), gradient({"%a", "%b"}, "t", "%x", {"%x"}, at(1)),
        cond({"%r"}, "%x", {}, {"%x"}, {}, {"%x"}, at(1))}) {
    g.body = {s};
    RunResult r;
    ASSERT_NO_THROW(r = run(g));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->at.line, 1) << r.error->message;
    EXPECT_FALSE(r.error->message.empty());
  }
}

TEST(ReferenceEngine, F32GraphsGiveF32ValuesGradientsAndTangents) {
  const graph::Graph g = f32_square_sum();
  const RunResult r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  const float w0 = 0.1f, w1 = 0.3f;
  EXPECT_EQ(r.values.at("%w").dtype, DType::f32);
  EXPECT_EQ(r.values.at("%y").data, (std::vector<double>{float(w0 * w0), float(w1 * w1)}));
  ASSERT_TRUE(r.gradients[0].values[0]);
  EXPECT_EQ(r.gradients[0].values[0]->dtype, DType::f32);
  EXPECT_EQ(r.gradients[0].values[0]->data, (std::vector<double>{float(2 * w0), float(2 * w1)}));

  const auto t = make_reference_engine()->jvp(g, {}, {{"%w", Value{DType::f32, Shape{2}, {1, 1}}}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at("%s").dtype, DType::f32);
  EXPECT_NEAR(t->at("%s").data[0], 2 * (w0 + w1), 1e-6);
}

TEST(ReferenceEngine, ABadInputOverrideIsAnErrorNamingTheInput) {
  InputValues in;
  in["%x"] = Value{DType::f64, Shape{2}, {1, 1}};
  RunResult r;
  ASSERT_NO_THROW(r = run(weighted_sum(), in));
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(contains(r.error->message, "'x'")) << r.error->message;
  EXPECT_TRUE(r.gradients.empty());
}

// y = x³ under t1, g = dy/dx under t2: d²y/dx² = 6x (R10).
TEST(ReferenceEngine, SecondOrderThroughNestedRecordBlocks) {
  const RunResult r = run(cube_under_nested_tapes());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%y", {27});
  expect_value(r, "%dy", {27});
  expect_value(r, "%d2y", {18});
}

TEST(ReferenceEngine, GradientComputedOutsideTheOuterTapeHasNoSecondOrder) {
  const RunResult r = run(gradient_outside_the_outer_tape());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%dy", {6});
  EXPECT_FALSE(r.gradients[1].values[0]);
}

TEST(ReferenceEngine, CondRecordsOnlyTheTakenBranch) {
  RunResult r = run(cond_graph());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%r", {1, 4});
  expect_value(r, "%r2", {-1, -2});
  expect_value(r, "%a", {1, 4});
  EXPECT_FALSE(r.values.count("%b"));  // the untaken branch's values are not part of the run
  expect_data(*r.gradients[0].values[0], {1, 3}, "d s / d x = 2x - 1");
  EXPECT_FALSE(r.gradients[0].values[1]);
  EXPECT_TRUE(contains(r.gradients[0].why_none[1], "did not run")) << r.gradients[0].why_none[1];

  InputValues in;
  in["%p"] = Value{DType::boolean, Shape{}, {0}};
  r = run(cond_graph(), in);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%r", {1, std::exp(1.0)});
  EXPECT_FALSE(r.gradients[0].values[0]);
  EXPECT_TRUE(contains(r.gradients[0].why_none[0], "did not run")) << r.gradients[0].why_none[0];
  expect_data(*r.gradients[0].values[1], {1 - 1, std::exp(1.0) - 1}, "d s / d z = exp(z) - 1");
}

TEST(ReferenceEngine, AnUntakenBranchThatWouldFailIsNotAnError) {
  graph::Graph g = cond_graph();
  auto& c = std::get<graph::Cond>(std::get<graph::Record>(g.body[0].node).body[1].node);
  c.else_body.push_back(op("%bad", "add", {"%z", "%p"}));  // f64 + bool: a dtype error
  const RunResult r = run(g);
  ASSERT_FALSE(r.error) << r.error->message;
  expect_data(*r.gradients[0].values[0], {1, 3}, "d s / d x");
}

TEST(ReferenceEngine, WhileLoopRecordsEveryIteration) {
  const RunResult r = run(squaring_loop());
  ASSERT_FALSE(r.error) << r.error->message;
  expect_value(r, "%xf", {std::pow(1.5, 8)});
  expect_value(r, "%if", {3});
  expect_value(r, "%xn", {std::pow(1.5, 8)});  // body values: the last iteration's
  expect_value(r, "%gx", {8 * std::pow(1.5, 7)});
}

TEST(ReferenceEngine, WhileLoopBeyondMaxIterationsIsALimitError) {
  const RunResult r = run(squaring_loop(2));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "limit");
  EXPECT_EQ(r.error->at.line, 2);
}

// Forward mode by double backward against the directional derivative worked by hand.
TEST(ReferenceEngine, JvpByDoubleBackwardIsTheDirectionalDerivative) {
  const graph::Graph g = forward_mode_chain();
  InputValues u;
  u["%x"] = Value{DType::f64, Shape{2}, {1, 2}};
  u["%w"] = Value{DType::f64, Shape{2}, {-1, 0.5}};
  const auto t = make_reference_engine()->jvp(g, {}, u);
  ASSERT_TRUE(t);
  const std::vector<double> x{0.5, -1}, w{2, 3}, ux{1, 2}, uw{-1, 0.5};
  std::vector<double> dy(2), dz(2);
  double ds = 0;
  for (int i = 0; i < 2; ++i) {
    dy[i] = ux[i] * w[i] + x[i] * uw[i];
    dz[i] = std::exp(x[i] * w[i]) * dy[i];
    ds += dz[i];
  }
  expect_data(t->at("%y"), dy, "dy");
  expect_data(t->at("%z"), dz, "dz");
  expect_data(t->at("%s"), {ds}, "ds");
  expect_data(t->at("%x"), ux, "dx");
  expect_data(t->at("%c"), {0, 0}, "dc (no tangent given)");
  expect_data(t->at("%k"), {0, 0}, "dk (independent of the tangents)");
  EXPECT_FALSE(t->count("%after"));  // defined after the first Gradient statement
  EXPECT_FALSE(t->count("%gw"));
}

TEST(ReferenceEngine, JvpThroughCondAndWhile) {
  InputValues u;
  u["%x"] = Value{DType::f64, Shape{}, {0.25}};
  const auto t = make_reference_engine()->jvp(squaring_loop(), {}, u);
  ASSERT_TRUE(t);
  expect_data(t->at("%xf"), {0.25 * 8 * std::pow(1.5, 7)}, "d xf");
  expect_data(t->at("%if"), {0}, "d i (a counter that does not depend on x)");

  u.clear();
  u["%z"] = Value{DType::f64, Shape{2}, {1, -1}};
  const auto c = make_reference_engine()->jvp(cond_graph(), {{"%p", Value{DType::boolean, Shape{}, {0}}}}, u);
  ASSERT_TRUE(c);
  expect_data(c->at("%r"), {std::exp(0.0), -std::exp(1.0)}, "d exp(z)");
  expect_data(c->at("%s"), {std::exp(0.0) - 1 - (std::exp(1.0) - 1)}, "d s");
}

}  // namespace
}  // namespace tc::eut
