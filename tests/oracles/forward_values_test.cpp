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

// Row 28 (docs/libtorch.md): an engine with its own f32 kernels may leave the rounding of the
// graph's largest value in a small result (a cancellation a few ulps off, then amplified); its
// profile says so and the oracle allows that much, while a table-kernel engine is held to its
// value's own ancestors. %d = (%big + %x) - %big cancels %big = 1000 back to %x ≈ 0.5.
TEST(ForwardValues, AnEngineWithItsOwnKernelsIsAllowedTheGraphsLargestRounding) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{1}, {0.5}, true, DType::f32), constant("%big", Shape{1}, {1000}, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%s", "add", {"%big", "%x"}), op("%d", "sub", {"%s", "%big"}),
                         op("%e", "exp", {"%x"}), op("%l", "reduce_sum", {"%e"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  eut::RunResult run = reference_run(g);
  ASSERT_FALSE(run.error);
  const eut::InputValues inputs = eut::materialize_inputs(g, {});
  // 8 f32 ulps of 1000 in %e = exp(0.5) ≈ 1.65: within the rounding of the graph's largest
  // value, far beyond %e's own.
  run.values.at("%e").data[0] += 8 * 1000 * 0x1p-24;
  EXPECT_EQ(check_forward_values(g, inputs, run, eut::tf_profile()).size(), 1u);
  EXPECT_TRUE(check_forward_values(g, inputs, run, eut::torch_profile()).empty());
  // Beyond that floor it is a mismatch under torch's profile too.
  run.values.at("%e").data[0] += 1e-1;
  EXPECT_EQ(check_forward_values(g, inputs, run, eut::torch_profile()).size(), 1u);
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
