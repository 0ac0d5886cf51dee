// The complex-step oracle: ~1e-14 agreement on smooth graphs, a 1e-6 relative error caught,
// not_applicable through ops without a complex extension, kinks never a mismatch, and
// thread-count determinism.
#include "oracles/complex_step.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "eut/engine_under_test.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;              // NOLINT
using namespace tc::oracles::test_support;  // NOLINT

// loss = sum(log1p(x²) * tanh(x) / (1 + exp(x)))
Block smooth_body() {
  return {op("%xx", "mul", {"%x", "%x"}), op("%l", "log1p", {"%xx"}), op("%t", "tanh", {"%x"}),
          op("%p", "mul", {"%l", "%t"}), op("%e", "exp", {"%x"}), op("%one", "add", {"%e", "%e"}),
          op("%q", "div", {"%p", "%one"}), op("%loss", "reduce_sum", {"%q"})};
}

const std::vector<double> kX = {-2.1, -0.3, 0.05, 0.8, 3.3, 1e-3};

TEST(ComplexStep, KnownDerivativeAgreesToRoundoff) {
  const graph::Graph g = one_input_graph(kX, smooth_body());
  const eut::RunResult r = run(g);
  const std::vector<Finding> fs = check_complex_step(g, {}, r);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(fs[0].oracle, "complex_step");
  EXPECT_EQ(fs[0].entries_checked, 6);
  EXPECT_LT(fs[0].max_rel_error, 1e-13);
  // The derivative itself, by hand for x[3]: d/dx [log1p(x²) tanh(x) / (2 eˣ)].
  const double x = kX[3], t = std::tanh(x), l = std::log1p(x * x), e = 2 * std::exp(x);
  const double d = ((2 * x / (1 + x * x)) * t + l * (1 - t * t)) / e - l * t / e;
  EXPECT_NEAR(r.gradients[0].values[0]->data[3], d, 1e-14);
}

TEST(ComplexStep, RelativeErrorOf1e6IsCaught) {
  const graph::Graph g = one_input_graph(kX, smooth_body());
  eut::RunResult r = run(g);
  r.gradients[0].values[0]->data[4] *= 1 + 1e-6;
  const std::vector<Finding> fs = check_complex_step(g, {}, r);
  EXPECT_EQ(fs[0].outcome, Outcome::mismatch) << fs[0].detail;
  EXPECT_EQ(fs[0].worst_entry, 4);
}

// Above the per-element limit a source is checked along random directions: as exact, one
// complex evaluation per direction instead of per element, and an error of one element among
// thousands still shows (its direction entry is at least 0.5 in size).
TEST(ComplexStep, InDirectionsALargeSourceIsCheckedInAFewEvaluationsAndOneWrongElementShows) {
  std::vector<double> x(3000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = kX[i % kX.size()] + 1e-3 * static_cast<double>(i % 97);
  const graph::Graph g = one_input_graph(x, smooth_body());
  ComplexStepOptions in_directions;
  in_directions.per_element = false;
  const eut::RunResult r = run(g);
  const std::vector<Finding> fs = check_complex_step(g, {}, r, in_directions);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(fs[0].entries_checked, in_directions.directions);
  EXPECT_LT(fs[0].max_rel_error, 1e-12);
  for (const std::size_t wrong_at : {std::size_t{7}, std::size_t{2999}}) {
    eut::RunResult wrong = r;
    wrong.gradients[0].values[0]->data[wrong_at] += 1e-6;
    const std::vector<Finding> caught = check_complex_step(g, {}, wrong, in_directions);
    EXPECT_EQ(caught[0].outcome, Outcome::mismatch) << wrong_at << ": " << caught[0].detail;
  }
}

TEST(ComplexStep, F32EngineAgreesWithinItsRounding) {
  const graph::Graph g = one_input_graph(kX, smooth_body(), DType::f32);
  const eut::RunResult r = run(g);
  EXPECT_EQ(check_complex_step(g, {}, r)[0].outcome, Outcome::agree);
  eut::RunResult wrong = r;
  wrong.gradients[0].values[0]->data[1] *= 1.001;
  EXPECT_EQ(check_complex_step(g, {}, wrong)[0].outcome, Outcome::mismatch);
}

// reduce_std of f32 subnormals whose spread is 2.4e-39 (soak graph 152076): a step of 1e-20 is
// no derivative there (Im f/h = 0.314 for a derivative of 0.0469); a mismatch is taken again
// with steps 2^-100 and 2^-200 times smaller, and a wrong gradient still disagrees with them.
TEST(ComplexStep, AStepLargerThanTheScaleFVariesOnIsTakenAgainSmaller) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3},
                       {-7.206492644944845e-39, -2.789704982777846e-40, -8.316131853397416e-40}, true, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%s", "reduce_std", {"%x"}, axes({})), op("%l", "reduce_sum", {"%s"}, axes({}))}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  eut::RunResult r = run(g);
  const std::vector<Finding> ok = check_complex_step(g, {}, r);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].outcome, Outcome::agree) << ok[0].detail;
  r.gradients[0].values[0]->data[2] *= 1.01;
  EXPECT_EQ(check_complex_step(g, {}, r)[0].outcome, Outcome::mismatch);
}

TEST(ComplexStep, ADerivativeThatCancelsInsideADivisionIsZero) {
  // d/dx (x / x) = 0. Complex division by Smith's algorithm left -4.3e-16 with an error
  // estimate of 1e-31 at x = 0.51... (P3 on seed 46, docs/properties.md item 6).
  std::vector<double> xs;
  for (double x = -2.3; x < 2.3; x += 0.0731) xs.push_back(x);
  const graph::Graph g =
      one_input_graph(xs, {op("%q", "div", {"%x", "%x"}), op("%loss", "reduce_sum", {"%q"})});
  const std::vector<Finding> fs = check_complex_step(g, {}, run(g));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
}

TEST(ComplexStep, BenchGraphAgreesAndCatchesSmallErrors) {
  expect_bench_graph_agrees_and_catches_small_errors(
      [](const graph::Graph& g, const eut::RunResult& r) { return check_complex_step(g, {}, r); }, 0);
}

TEST(ComplexStep, OpsWithoutComplexExtensionMakeTheGraphIneligible) {
  const graph::Graph g = one_input_graph({0.1, 0.2}, {op("%e", "erf", {"%x"}), op("%loss", "reduce_sum", {"%e"})});
  const std::vector<Finding> fs = check_complex_step(g, {}, run(g));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::not_applicable);
  EXPECT_NE(fs[0].detail.find("erf"), std::string::npos) << fs[0].detail;
}

TEST(ComplexStep, ComparisonsThatOnlySelectDoNotMakeTheGraphIneligible) {
  graph::Graph g = one_input_graph({-0.4, 0.7}, {op("%pos", "greater", {"%x", "%zero"}), op("%sq", "mul", {"%x", "%x"}),
                                                 op("%w", "where", {"%pos", "%sq", "%x"}),
                                                 op("%loss", "reduce_sum", {"%w"})});
  g.inputs.push_back(constant("%zero", Shape{}, {0.0}));
  EXPECT_EQ(check_complex_step(g, {}, run(g))[0].outcome, Outcome::agree);
}

TEST(ComplexStep, AKinkIsNeverAMismatch) {
  const graph::Graph g = one_input_graph({-1.0, 0.0, 2.0}, {op("%r", "relu", {"%x"}), op("%a", "abs", {"%x"}),
                                                            op("%y", "add", {"%r", "%a"}),
                                                            op("%loss", "reduce_sum", {"%y"})});
  const eut::RunResult r = run(g);
  // The kernels take the engine's documented side: the reference agrees everywhere.
  EXPECT_EQ(check_complex_step(g, {}, r)[0].outcome, Outcome::agree);
  // Another convention at 0 (relu'(0) = 1): inconclusive there, not a mismatch.
  eut::RunResult other = r;
  other.gradients[0].values[0]->data[1] += 1.0;
  const Finding f = check_complex_step(g, {}, other)[0];
  EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
  EXPECT_EQ(f.entries_inconclusive, 1);
  EXPECT_EQ(f.entries_checked, 2);
}

// pow(x, 1.5) at x = 0: the derivative is 0 (1.5·0^0.5, the reference's), but a^1.5 is not
// analytic at 0 and the complex step gives Im((ih)^1.5)/h = sin(3π/4)·√h ≈ 7e-11; below 0 the
// function is NaN, so the point is the edge of pow's domain, not a kink any row states a rule
// for. Before, the reference (which declares the table's rules) was a mismatch "at a kink"
// there; now that element is inconclusive and the other agrees.
TEST(ComplexStep, AtTheEdgeOfAnOpsDomainItIsInconclusive) {
  graph::Graph g = one_input_graph({0.0, 0.5}, {op("%y", "pow", {"%x", "%p"}), op("%loss", "reduce_sum", {"%y"})});
  g.inputs.push_back(constant("%p", Shape{}, {1.5}));
  const eut::RunResult r = run(g);
  ASSERT_EQ(r.gradients[0].values[0]->data[0], 0.0);
  const Finding f = check_complex_step(g, {}, r)[0];
  EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
  EXPECT_EQ(f.entries_inconclusive, 1);
  EXPECT_EQ(f.entries_checked, 1);
  // A wrong value at the other element is still caught.
  eut::RunResult wrong = r;
  wrong.gradients[0].values[0]->data[1] *= 1.001;
  EXPECT_EQ(check_complex_step(g, {}, wrong)[0].outcome, Outcome::mismatch);
}

// floor_div(x², c) at x = 0 (an einsum campaign's graph, reduced by hand): the complex step
// evaluates (0 + ih)², whose real part −h² floors to −1 where the point's 0 floors to 0, so
// its "derivative" of x·c0·floor_div(x², c1) is c0·(−1): no derivative at the point. Before, a
// mismatch (engine 0, complex step −1.2); now inconclusive, as the FD oracle says at this kink.
TEST(ComplexStep, AnEvaluationThatCrossesAKinkIsInconclusive) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x0: f64[4] variable values(1.1590682232416571, -1.5865286894811632, -1.700287102647612, 0)
input %c0: f64[4] constant uniform(-2.4, 2.4) seed=608
input %c1: f64[4] constant uniform(0.58, 2.73) seed=593
tape t
record t {
  %v0 = mul %x0 %c0
  %w1 = square %x0
  %v8 = floor_div %w1 %c1
  %v9 = mul %v0 %v8
  %v13 = reduce_sum %v9 axes=[] keepdims=false
}
%g2 = grad t %v13 wrt %x0
)");
  const std::vector<Finding> f = check_complex_step(g, {}, run(g));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].outcome, Outcome::mismatch) << f[0].detail;
  EXPECT_EQ(f[0].entries_inconclusive, 1) << "only x0[3] = 0 sits on the kink";
}

TEST(ComplexStep, BitIdenticalForAnyThreadCount) {
  const graph::Graph g = one_input_graph(kX, smooth_body());
  eut::RunResult r = run(g);
  r.gradients[0].values[0]->data[2] *= 1 + 1e-9;
  ComplexStepOptions opt;
  opt.threads = 1;
  const std::vector<Finding> one = check_complex_step(g, {}, r, opt);
  for (int threads : {2, 5}) {
    opt.threads = threads;
    expect_identical(one, check_complex_step(g, {}, r, opt));
  }
}

TEST(ComplexStep, PreparedObjectivesGiveTheSameFindingsAcrossChecks) {
  const graph::Graph g = one_input_graph(kX, smooth_body());
  eut::RunResult wrong = run(g);
  wrong.gradients[0].values[0]->data[2] *= 1 + 1e-9;
  const PreparedObjectives prepared(g, {});
  for (const eut::RunResult& r : {run(g), wrong}) {
    ComplexStepOptions opt;
    opt.threads = 2;
    expect_identical(check_complex_step(g, {}, r, opt), check_complex_step(prepared, r, opt));
  }
}

}  // namespace
}  // namespace tc::oracles
