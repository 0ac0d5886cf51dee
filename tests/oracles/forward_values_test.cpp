// oracles/forward_values.hpp: the engine's forward values against the graph evaluated in f64
// with the op table's kernels — a wrong value is a mismatch naming it, a right one makes no
// finding, a value its operands' rounding put on the other side of a jump or onto a pole is
// neither (nor what follows from it), and values inside control flow are not judged.
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

TEST(ForwardValues, AJumpAwayFromItsOperandsRoundingIsJudged) {
  // round(exp(0.5)) = round(1.65): no rounding of the operand reaches a half-integer, so a 3
  // is a wrong kernel, not the other side of a jump.
  const graph::Graph g = exp_then_round();
  eut::RunResult run = reference_run(g);
  run.values.at("%r").data[0] += 1;
  const std::vector<Finding> f = check_forward_values(g, eut::materialize_inputs(g, {}), run);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].detail.find("%r[0]"), std::string::npos) << f[0].detail;
}

// f32: %d = |0.1·3 − fl(0.1·3)| is exactly 0 in the engine (its product rounds to the
// constant) and 7.5e-9 in f64, then `then` is applied to it (and the fifth input, if any),
// and 1 added. The gradient is of Σx: log_abs_det's VJP at an exactly singular matrix raises.
graph::Graph cancelled_to_zero_then(const char* then, Shape shape, std::vector<graph::Input> more = {}) {
  graph::Graph g;
  const std::int64_t n = shape.numel();
  g.inputs = {variable("%x", shape, std::vector<double>(static_cast<std::size_t>(n), 0.1), true, DType::f32),
              constant("%k", Shape{}, {3.0}, DType::f32),
              constant("%t", Shape{}, {static_cast<double>(0.1f * 3.0f)}, DType::f32),
              constant("%one", Shape{}, {1.0}, DType::f32)};
  for (graph::Input& i : more) g.inputs.push_back(std::move(i));
  std::vector<std::string> operands = {"%d"};
  if (g.inputs.size() > 4) operands.push_back(g.inputs[4].name);
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%p", "mul", {"%x", "%k"}), op("%s", "sub", {"%p", "%t"}), op("%d", "abs", {"%s"}),
                         op("%j", then, operands), op("%after", "add", {"%j", "%one"}),
                         op("%l", "reduce_sum", {"%x"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  return g;
}

TEST(ForwardValues, AValueWithinRoundingOfAJumpMayLieOnEitherSide) {
  // floor_mod(d, −2.29) jumps at d = 0: the engine's 0 is floor_mod of its own d = 0, the
  // evaluation's −2.29 that of d = +7.5e-9 (soak graphs 3260, 12295). Neither is wrong, and
  // what follows from the engine's value is not the evaluation's to judge.
  const graph::Graph g =
      cancelled_to_zero_then("floor_mod", Shape{1}, {constant("%y", Shape{1}, {-2.29}, DType::f32)});
  eut::RunResult run = reference_run(g);
  ASSERT_FALSE(run.error);
  ASSERT_EQ(run.values.at("%d").data[0], 0.0) << "the engine's rounding no longer cancels: pick other values";
  const eut::InputValues inputs = eut::materialize_inputs(g, {});
  EXPECT_TRUE(check_forward_values(g, inputs, run).empty());
  // Either side, but not anywhere: a value neither side gives is still a mismatch.
  run.values.at("%j").data[0] = -1.0;
  const std::vector<Finding> f = check_forward_values(g, inputs, run);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].detail.find("%j[0]"), std::string::npos) << f[0].detail;
}

TEST(ForwardValues, AMatrixRoundingMadeExactlySingularIsNotJudgedAgainstItsF64Determinant) {
  // log_abs_det of the 1×1 matrix [d]: −inf in the engine, ln(7.5e-9) ≈ −18.7 in f64 (soak
  // graph 2471, through elu): the pole at d = 0 lies within d's rounding.
  const graph::Graph g = cancelled_to_zero_then("log_abs_det", Shape{1, 1});
  eut::RunResult run = reference_run(g);
  ASSERT_FALSE(run.error);
  ASSERT_EQ(run.values.at("%j").data[0], -INFINITY);
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
