// oracles/forward_values.hpp: the engine's forward values against the graph evaluated in f64
// with the op table's kernels — a wrong value is a mismatch naming it, a right one makes no
// finding, and values past a jump (round) or inside control flow are not judged.
#include "oracles/forward_values.hpp"

#include <gtest/gtest.h>

#include <string>

#include "eut/engine_under_test.hpp"
#include "eut/inputs.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

// x -> exp -> round -> mul: %e is judged, %r and %m are downstream of a jump.
graph::Graph exp_then_round() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {0.5, -1.25, 2.0}, true, DType::f64)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%e", "exp", {"%x"}), op("%r", "round", {"%e"}), op("%m", "mul", {"%r", "%x"}),
                         op("%l", "reduce_sum", {"%m"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  return g;
}

eut::RunResult reference_run(const graph::Graph& g) {
  return eut::make_reference_engine()->run(g, eut::materialize_inputs(g, {}));
}

TEST(ForwardValues, TheReferenceEnginesValuesMakeNoFinding) {
  const graph::Graph g = exp_then_round();
  const eut::RunResult run = reference_run(g);
  ASSERT_FALSE(run.error);
  EXPECT_TRUE(check_forward_values(g, eut::materialize_inputs(g, {}), run).empty());
}

TEST(ForwardValues, AWrongValueIsAMismatchNamingTheValueAndElement) {
  const graph::Graph g = exp_then_round();
  eut::RunResult run = reference_run(g);
  run.values.at("%e").data[1] *= 1.001;  // far beyond f64 rounding
  const std::vector<Finding> f = check_forward_values(g, eut::materialize_inputs(g, {}), run);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].oracle, "forward_values");
  EXPECT_EQ(f[0].outcome, Outcome::mismatch);
  EXPECT_EQ(f[0].target, "%l");
  EXPECT_NE(f[0].detail.find("%e[1]"), std::string::npos) << f[0].detail;
}

TEST(ForwardValues, AnInfinityWhereTheOpIsFiniteIsAMismatch) {
  const graph::Graph g = exp_then_round();
  eut::RunResult run = reference_run(g);
  run.values.at("%e").data[2] = INFINITY;
  const std::vector<Finding> f = check_forward_values(g, eut::materialize_inputs(g, {}), run);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::mismatch);
}

TEST(ForwardValues, RoundingOfTheEnginesDtypeIsAllowed) {
  const graph::Graph g = exp_then_round();
  eut::RunResult run = reference_run(g);
  run.values.at("%e").data[0] *= 1 + 2e-16;
  EXPECT_TRUE(check_forward_values(g, eut::materialize_inputs(g, {}), run).empty());
}

TEST(ForwardValues, ValuesDownstreamOfAJumpAreNotJudged) {
  // round may land on the other integer under the engine's own rounding: what follows is not
  // the f64 evaluation's business.
  const graph::Graph g = exp_then_round();
  eut::RunResult run = reference_run(g);
  run.values.at("%r").data[0] += 1;
  run.values.at("%m").data[0] += 1;
  EXPECT_TRUE(check_forward_values(g, eut::materialize_inputs(g, {}), run).empty());
}

TEST(ForwardValues, AGraphThatRaisesIsLeftToTheConnectivityOracle) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {1, 2, 3}, true, DType::f64),
              variable("%y", Shape{2}, {1, 2}, true, DType::f64)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%s", "add", {"%x", "%y"})}), gradient({"%g"}, "t", "%s", {"%x"})};
  EXPECT_TRUE(check_forward_values(g, eut::materialize_inputs(g, {}), eut::RunResult{}).empty());
}

}  // namespace
}  // namespace tc::oracles
