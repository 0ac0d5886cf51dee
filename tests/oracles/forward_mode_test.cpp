// The forward-mode (JVP) oracle: <v, J u> on dual numbers against the engine's vᵀJ dotted
// with u — agreement to ~1e-12, a 1e-6 relative error caught (random directions and per
// element), output_gradients honoured, kinks never a mismatch, thread-count determinism.
#include "oracles/forward_mode.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "eut/engine_under_test.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;              // NOLINT
using namespace tc::oracles::test_support;  // NOLINT

// y = sigmoid(W @ x) * sin(x); two sources, a matrix and a vector; a cotangent v on y.
graph::Graph layer_graph(bool with_output_gradients, DType dtype = DType::f64) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{3, 3}, {0.5, -0.2, 0.1, 0.3, 0.8, -0.7, -0.4, 0.25, 0.6}, true, dtype),
              variable("%x", Shape{3, 1}, {0.9, -1.2, 0.4}, true, dtype),
              constant("%v", Shape{3, 1}, {1.5, -0.5, 2.0}, dtype)};
  g.tapes = {tape("t")};
  Block body = {op("%h", "matmul", {"%w", "%x"}), op("%s", "sigmoid", {"%h"}), op("%sx", "sin", {"%x"}),
                op("%y", "mul", {"%s", "%sx"})};
  if (!with_output_gradients) body.push_back(op("%loss", "reduce_sum", {"%y"}));
  g.body = {record("t", std::move(body)),
            with_output_gradients ? gradient({"%gw", "%gx"}, "t", "%y", {"%w", "%x"}, {}, std::string("%v"))
                                  : gradient({"%gw", "%gx"}, "t", "%loss", {"%w", "%x"})};
  return g;
}

TEST(ForwardMode, DualityHoldsToRoundoff) {
  for (bool v : {false, true}) {
    const graph::Graph g = layer_graph(v);
    const std::vector<Finding> fs = check_forward_mode(g, {}, run(g));
    ASSERT_EQ(fs.size(), 2u);
    for (const Finding& f : fs) {
      EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
      EXPECT_EQ(f.oracle, "forward_mode");
      EXPECT_EQ(f.entries_checked, 3);  // three directions
      EXPECT_LT(f.max_rel_error, 1e-12) << f.detail;
    }
  }
}

TEST(ForwardMode, RelativeErrorOf1e6IsCaught) {
  const graph::Graph g = layer_graph(true);
  eut::RunResult r = run(g);
  for (double& x : r.gradients[0].values[1]->data) x *= 1 + 1e-6;
  const std::vector<Finding> fs = check_forward_mode(g, {}, r);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(fs[1].outcome, Outcome::mismatch) << fs[1].detail;

  // One element 1e-6 off, per element.
  eut::RunResult one = run(g);
  one.gradients[0].values[0]->data[7] *= 1 + 1e-6;
  ForwardModeOptions opt;
  opt.per_element = true;
  const std::vector<Finding> pe = check_forward_mode(g, {}, one, opt);
  EXPECT_EQ(pe[0].outcome, Outcome::mismatch) << pe[0].detail;
  EXPECT_EQ(pe[0].worst_entry, 7);
  EXPECT_EQ(pe[0].entries_checked, 9);
  EXPECT_EQ(pe[1].outcome, Outcome::agree);
}

TEST(ForwardMode, IgnoringOutputGradientsIsCaught) {
  // An engine that returns the gradient of sum(y) when output_gradients were given.
  const graph::Graph with_v = layer_graph(true);
  const graph::Graph without_v = layer_graph(false);
  eut::RunResult r = run(with_v);
  r.gradients[0] = run(without_v).gradients[0];
  const std::vector<Finding> fs = check_forward_mode(with_v, {}, r);
  EXPECT_EQ(fs[0].outcome, Outcome::mismatch);
  EXPECT_EQ(fs[1].outcome, Outcome::mismatch);
}

TEST(ForwardMode, BenchGraphAgreesAndCatchesSmallErrors) {
  expect_bench_graph_agrees_and_catches_small_errors(
      [](const graph::Graph& g, const eut::RunResult& r) { return check_forward_mode(g, {}, r); }, 1);
}

TEST(ForwardMode, F32EngineAgreesWithinItsRounding) {
  const graph::Graph g = layer_graph(true, DType::f32);
  const eut::RunResult r = run(g);
  for (const Finding& f : check_forward_mode(g, {}, r)) EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
}

TEST(ForwardMode, AKinkIsNeverAMismatch) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {-1.0, 0.0, 2.0}), constant("%c", Shape{3}, {0.5, 0.0, -2.0})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%m", "maximum", {"%x", "%c"}), op("%r", "relu", {"%x"}), op("%y", "add", {"%m", "%r"}),
                         op("%loss", "reduce_sum", {"%y"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const eut::RunResult r = run(g);
  ForwardModeOptions opt;
  opt.per_element = true;
  EXPECT_EQ(check_forward_mode(g, {}, r, opt)[0].outcome, Outcome::agree);
  // The tie at x[1] = c[1] and relu at 0: another engine may split the tie.
  eut::RunResult other = r;
  other.gradients[0].values[0]->data[1] = 0.5;
  const Finding f = check_forward_mode(g, {}, other, opt)[0];
  EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
  EXPECT_EQ(f.entries_inconclusive, 1);
  // Random directions all pass through the kink: inconclusive, never a mismatch.
  EXPECT_NE(check_forward_mode(g, {}, other)[0].outcome, Outcome::mismatch);
}

TEST(ForwardMode, BitIdenticalForAnyThreadCountAndSeedDependent) {
  const graph::Graph g = layer_graph(true);
  eut::RunResult r = run(g);
  r.gradients[0].values[0]->data[2] *= 1 + 1e-9;
  ForwardModeOptions opt;
  opt.seed = 7;
  opt.directions = 6;
  opt.threads = 1;
  const std::vector<Finding> one = check_forward_mode(g, {}, r, opt);
  for (int threads : {2, 4}) {
    opt.threads = threads;
    expect_identical(one, check_forward_mode(g, {}, r, opt));
  }
  opt.seed = 8;
  opt.threads = 1;
  const std::vector<Finding> other_seed = check_forward_mode(g, {}, r, opt);
  EXPECT_NE(std::memcmp(&other_seed[0].max_abs_error, &one[0].max_abs_error, sizeof(double)), 0);
}

TEST(ForwardMode, PreparedObjectivesGiveTheSameFindingsAcrossChecksAndSeeds) {
  const graph::Graph g = layer_graph(true);
  eut::RunResult wrong = run(g);
  wrong.gradients[0].values[0]->data[2] *= 1 + 1e-9;
  const PreparedObjectives prepared(g, {});
  for (const eut::RunResult& r : {run(g), wrong})
    for (std::uint64_t seed : {7, 8}) {
      ForwardModeOptions opt;
      opt.seed = seed;
      opt.threads = 2;
      expect_identical(check_forward_mode(g, {}, r, opt), check_forward_mode(prepared, r, opt));
    }
}

}  // namespace
}  // namespace tc::oracles
