// oracles/running_error.hpp: the engine's rounding bounded node by node — the sweeps' adjoints
// and terms on small graphs whose numbers are known, and the false alarms it removes
// (softmax's VJP near a one-hot output, a forward value of cancelled terms) without hiding a
// wrong gradient.
#include "oracles/running_error.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "eut/inputs.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "oracles/forward_values.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;              // NOLINT
using namespace tc::oracles::test_support;  // NOLINT

std::map<std::string, std::vector<double>> values_of(const graph::Graph& g) {
  std::map<std::string, std::vector<double>> in;
  for (const graph::Input& i : g.inputs) in[i.name] = i.init.values;
  return in;
}

TEST(TraceSensitivity, AdjointsAreTheDerivativesOfTheSeededValue) {
  // %s = Σ (x·x + x·c): ∂s/∂x = 2x + c, ∂s/∂(x·x) = 1; a broadcast operand takes the sum.
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2}, {0.5, -3}), constant("%c", Shape{}, {2})};
  g.body = {op("%xx", "mul", {"%x", "%x"}), op("%xc", "mul", {"%x", "%c"}), op("%a", "add", {"%xx", "%xc"}),
            op("%s", "reduce_sum", {"%a"})};
  const OpTrace t = trace(g, values_of(g));
  const TraceSensitivity sens(t);
  ASSERT_TRUE(sens.valid());
  const std::vector<std::vector<double>> adj = sens.adjoints(t.evaluation.tensors.at("%s"), {1.0});
  // Tensors are numbered inputs first, then op results in order.
  const std::vector<double>& dx = adj.at(0);
  ASSERT_EQ(dx.size(), 2u);
  EXPECT_DOUBLE_EQ(dx[0], 2 * 0.5 + 2);
  EXPECT_DOUBLE_EQ(dx[1], 2 * -3 + 2);
  ASSERT_EQ(adj.at(1).size(), 1u);
  EXPECT_DOUBLE_EQ(adj.at(1)[0], 0.5 - 3);
}

TEST(TraceSensitivity, AValueOfCancelledTermsRoundsRelativeToTheTerms) {
  // (x + 1001.84) − 1001.5 in f32 is ~0.34 + x, but the sum before it rounds relative to 1001.84:
  // the bound weighs that node (sensitivity 1) with its magnitude, not the result's.
  graph::Graph g;
  g.inputs = {constant("%x", Shape{1}, {0.25}, DType::f32), constant("%a", Shape{1}, {1001.84}, DType::f64),
              constant("%b", Shape{1}, {1001.5}, DType::f64)};
  OpAttrs to_f32;
  to_f32.dtype = DType::f32;
  g.body = {op("%af", "cast", {"%a"}, to_f32), op("%bf", "cast", {"%b"}, to_f32), op("%y", "add", {"%x", "%af"}),
            op("%z", "sub", {"%y", "%bf"})};
  const OpTrace t = trace(g, values_of(g));
  const TraceSensitivity sens(t);
  ASSERT_TRUE(sens.valid());
  const double bound = sens.value_rounding(sens.adjoints(t.evaluation.tensors.at("%z"), {1.0}));
  // At least the rounding of %y, %af and %bf (each ~1001.5 in f32); not a multiple of paths.
  EXPECT_GE(bound, 0x1p-24 * (1002.09 + 1001.84 + 1001.5));
  EXPECT_LE(bound, 0x1p-24 * (1002.09 + 1001.84 + 1001.5 + 0.6 + 0.25));
}

TEST(CancelledTerms, AreTheTermsOfASumBeyondItsResultByStatement) {
  // [0.5, 2] @ [[-1.5], [0.5]] = -0.75 + 1 = 0.25 of terms 2·(0.75 + 1): 3.25 beyond |0.25|.
  // A sum of like signs cancels nothing, and an element-wise sub is one rounding of its own.
  graph::Graph g;
  g.inputs = {constant("%a", Shape{1, 2}, {0.5, 2}), constant("%b", Shape{2, 1}, {-1.5, 0.5}),
              constant("%p", Shape{3}, {1, 2, 4})};
  g.body = {op("%m", "matmul", {"%a", "%b"}), op("%s", "reduce_sum", {"%p"}), op("%d", "sub", {"%p", "%p"})};
  const std::map<std::string, std::vector<double>> terms = cancelled_terms(trace(g, values_of(g)));
  ASSERT_EQ(terms.size(), 1u);
  ASSERT_EQ(terms.count("%m"), 1u);
  ASSERT_EQ(terms.at("%m").size(), 1u);
  EXPECT_DOUBLE_EQ(terms.at("%m")[0], 2 * (0.75 + 1) - 0.25);
}

TEST(TraceSensitivity, TheOraclesOwnRoundingIsRelativeToTermsAndAtACastToF32) {
  // t = 3·Σ cast_f32(x·2) with x f64: the oracles' evaluation rounds to f32 only at the cast,
  // each element relative to its own value (|2x| = 1, 6), times ∂t/∂cast = 3; every other node
  // rounds in f64 relative to its terms: x·2 (7, times 3), the sum (7, times 3), the product (|t| = 15).
  // The f32 sum after the cast is no conversion: the oracle computes it in f64.
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2}, {0.5, -3}), constant("%c", Shape{}, {2}),
              constant("%k", Shape{}, {3}, DType::f32)};
  OpAttrs to_f32;
  to_f32.dtype = DType::f32;
  g.body = {op("%y", "mul", {"%x", "%c"}), op("%yf", "cast", {"%y"}, to_f32), op("%s", "reduce_sum", {"%yf"}),
            op("%t", "mul", {"%s", "%k"})};
  const OpTrace t = trace(g, values_of(g));
  const TraceSensitivity sens(t);
  ASSERT_TRUE(sens.valid());
  const auto adj = sens.adjoints(t.evaluation.tensors.at("%t"), {1.0});
  EXPECT_DOUBLE_EQ(sens.oracle_rounding(adj),
                   unit_roundoff(DType::f32) * 3 * (1.0 + 6.0) + unit_roundoff(DType::f64) * (21 + 21 + 15));
  // Without the cast: f64's rounding of the terms alone, 7 + 7.
  g.body = {op("%y", "mul", {"%x", "%c"}), op("%s", "reduce_sum", {"%y"})};
  const OpTrace plain = trace(g, values_of(g));
  const TraceSensitivity none(plain);
  EXPECT_DOUBLE_EQ(none.oracle_rounding(none.adjoints(plain.evaluation.tensors.at("%s"), {1.0})),
                   unit_roundoff(DType::f64) * 14);
}

TEST(TraceSensitivity, AForwardValueOfCancelledTermsAgreesAndAWrongOneIsStillCaught) {
  // (x + 1001.84) − 1001.5 in f32: the engine's value carries the rounding of 1001.84 (~6e-5
  // absolute) on a result of ~0.6, which the per-node bound allows (~16 · 3 · 6e-5); an error
  // of 1e-2 is far above it. (The false alarms this bound removed, where a sensitivity
  // amplifies the rounding, are in corpus/regressions: inverse_f32_cancelled_by_constant,
  // log_abs_det_f32_cancelled_difference.)
  graph::Graph g;
  OpAttrs to_f32;
  to_f32.dtype = DType::f32;
  g.inputs = {constant("%x", Shape{1}, {0.25}, DType::f32), constant("%a", Shape{1}, {1001.84}),
              constant("%b", Shape{1}, {1001.5})};
  g.body = {op("%af", "cast", {"%a"}, to_f32), op("%bf", "cast", {"%b"}, to_f32), op("%y", "add", {"%x", "%af"}),
            op("%z", "sub", {"%y", "%bf"})};
  eut::RunResult r = run(g);
  EXPECT_TRUE(check_forward_values(g, eut::materialize_inputs(g, {}), r).empty());
  r.values.at("%z").data[0] += 1e-2;
  const std::vector<Finding> wrong = check_forward_values(g, eut::materialize_inputs(g, {}), r);
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].outcome, Outcome::mismatch) << wrong[0].detail;
}

// softmax of f32 logits near exp's overflow, with a weighted upstream: the max element's
// gradient y·(g − Σ g·y) is ~5e-5 from terms of size ~1 (corpus/regressions/
// softmax_f32_large_logits.tcg): the engine's rounding is ~1e-3 of it.
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

std::vector<std::vector<Finding>> every_oracle(const graph::Graph& g, const eut::RunResult& r) {
  ForwardModeOptions per_element;
  per_element.per_element = true;
  return {check_forward_mode(g, {}, r), check_forward_mode(g, {}, r, per_element), check_complex_step(g, {}, r),
          check_finite_differences(g, {}, r)};
}

void expect_every_oracle_agrees(const graph::Graph& g) {
  const eut::RunResult r = run(g);
  for (const std::vector<Finding>& fs : every_oracle(g, r))
    for (const Finding& f : fs) EXPECT_EQ(f.outcome, Outcome::agree) << f.oracle << ": " << f.detail;
}

TEST(GradientRounding, SoftmaxOfLargeF32LogitsIsJudgedRelativeToTheTermsItsVjpCancels) {
  const graph::Graph g = large_logits();
  expect_every_oracle_agrees(g);
  // The bound of the max element: its VJP's terms y·|g| + y·Σ|g·y| ≈ 2.5, not the result 5e-5.
  const Objective o = make_objective(g, {}, 0);
  const GradientRounding b(o);
  EXPECT_GT(b.bound(0, 0, nullptr), 0x1p-24 * 2.0);
  EXPECT_LT(b.bound(0, 0, nullptr), 0x1p-24 * 8.0);
}

TEST(GradientRounding, AWrongSoftmaxGradientIsStillAMismatch) {
  // The max element's gradient (~5.3e-5) off by half of it: far below the terms behind it, far
  // above the f32 rounding of those terms.
  const graph::Graph g = large_logits();
  eut::RunResult r = run(g);
  ASSERT_FALSE(r.gradients.empty());
  ASSERT_TRUE(r.gradients[0].values[0].has_value());
  r.gradients[0].values[0]->data[0] *= 1.5;
  for (const std::vector<Finding>& fs : every_oracle(g, r)) {
    ASSERT_FALSE(fs.empty());
    for (const Finding& f : fs) EXPECT_EQ(f.outcome, Outcome::mismatch) << f.oracle << ": " << f.detail;
  }
}

// reduce_std of f32 pairs 4.6e-4 apart at magnitude ~1 (corpus/regressions/
// reduce_std_of_f32_pairs_close_together.tcg): the engine's VJP computes x − μ with μ rounded
// relative to |μ|, so its gradient (x − μ)/(N·σ) is off ~u·|μ|/|x − μ| relative.
graph::Graph close_f32_pairs() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2, 2}, {-0.99912428855896, 0.9998133778572083, -0.9986574649810791, 0.9997605085372925},
                       true, DType::f32),
              constant("%w", Shape{2}, {1.25, -0.75})};
  g.tapes = {tape("t")};
  OpAttrs a;
  a.axes = {0};
  OpAttrs to_f64;
  to_f64.dtype = DType::f64;
  g.body = {record("t", {op("%s", "reduce_std", {"%x"}, a), op("%s64", "cast", {"%s"}, to_f64),
                         op("%p", "mul", {"%s64", "%w"}), op("%l", "reduce_sum", {"%p"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  return g;
}

TEST(GradientRounding, ADeviationFromARoundedMeanRoundsRelativeToTheMean) {
  const graph::Graph g = close_f32_pairs();
  expect_every_oracle_agrees(g);
  // The first element's bound: relative to |μ| ≈ 1 over N·σ ≈ 4.6e-4, not to its gradient 1/2.
  const Objective o = make_objective(g, {}, 0);
  const GradientRounding b(o);
  EXPECT_GT(b.bound(0, 0, nullptr), 0x1p-24 * 1.25 / 4.6e-4);
}

TEST(GradientRounding, AWrongGradientOfADeviationIsStillAMismatch) {
  // Doubled: every oracle. Off by a fifth: finite differences and complex step (element by
  // element); forward mode's directions add the bound of every element and allow more.
  const graph::Graph g = close_f32_pairs();
  for (const double factor : {2.0, 1.2}) {
    eut::RunResult r = run(g);
    ASSERT_TRUE(!r.gradients.empty() && r.gradients[0].values[0].has_value());
    for (double& v : r.gradients[0].values[0]->data) v *= factor;
    const std::vector<std::vector<Finding>> all = every_oracle(g, r);
    for (std::size_t k = 0; k < all.size(); ++k) {
      ASSERT_FALSE(all[k].empty());
      const bool element_wise = k >= 1;  // forward mode per element, complex step, FD
      if (factor == 2.0 || element_wise) {
        for (const Finding& f : all[k]) EXPECT_EQ(f.outcome, Outcome::mismatch) << factor << ", " << f.oracle << ": " << f.detail;
      }
    }
  }
}

// s = Σ x·x in f32 with the gradient of s: the nodes' terms |ā|·|2x·u| (mul) and |ā|·Σ|ż|
// (reduce_sum).
graph::Graph f32_sum_of_squares(std::vector<double> x) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, std::move(x), true, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%q", "mul", {"%x", "%x"}), op("%s", "reduce_sum", {"%q"})}),
            gradient({"%g"}, "t", "%s", {"%x"})};
  return g;
}

// B(u) of o with source 0 moved by t·w.
double bound_at(const Objective& o, const std::vector<double>& w, double t, const std::vector<double>& u) {
  Objective at = o;
  std::vector<double>& x = at.base.at("%x");
  for (std::size_t k = 0; k < x.size(); ++k) x[k] += t * w[k];
  return GradientRounding(at).bound(0, -1, &u);
}

TEST(FirstOrderRoundingSlope, IsTheChangeOfTheBoundWhereEveryTermMovesOneWay) {
  // x > 0 moved along w > 0: every term |2x·u| grows, so the sum of the terms' changes is the
  // change of their sum.
  const Objective o = make_objective(f32_sum_of_squares({0.75, 1.5}), {}, 0);
  const std::vector<double> u{0.6, 0.8}, w{0.8, 0.6};
  const double h = 1e-3;
  const double slope = first_order_rounding_slope(o, "%x", w, h, true, true, {{"%x", u}});
  const double change = (bound_at(o, w, h, u) - bound_at(o, w, -h, u)) / (2 * h);
  EXPECT_GT(change, 0);
  EXPECT_NEAR(slope, change, 1e-9 * change);
  // One side only: the same slope here (the terms are linear in x).
  EXPECT_NEAR(first_order_rounding_slope(o, "%x", w, h, true, false, {{"%x", u}}), change, 1e-6 * change);
  // Neither side keeps the branches, or no source carries a tangent: nothing.
  EXPECT_EQ(first_order_rounding_slope(o, "%x", w, h, false, false, {{"%x", u}}), 0.0);
  EXPECT_EQ(first_order_rounding_slope(o, "%x", w, h, true, true, {}), 0.0);
}

TEST(FirstOrderRoundingSlope, TakesEachTermsChangeNotTheChangeOfTheirSum) {
  // x = (1, -1) moved along (1, 1): |2x_0·u_0| grows as fast as |2x_1·u_1| shrinks, so the
  // bound does not change while each term does.
  const Objective o = make_objective(f32_sum_of_squares({1.0, -1.0}), {}, 0);
  const std::vector<double> u{1.0, 1.0}, w{1.0, 1.0};
  const double h = 1e-3;
  EXPECT_NEAR(bound_at(o, w, h, u), bound_at(o, w, -h, u), 1e-15);
  EXPECT_GT(first_order_rounding_slope(o, "%x", w, h, true, true, {{"%x", u}}), 0x1p-24);
}

TEST(FirstOrderRoundingSlope, IsZeroWhereTheTermsDoNotDependOnThePoint) {
  // Σ c·x: the terms |c·u| are the same at every x.
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.3, -2.0}, true, DType::f32), constant("%c", Shape{2}, {1.7, -0.2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%q", "mul", {"%x", "%c"}), op("%s", "reduce_sum", {"%q"})}),
            gradient({"%g"}, "t", "%s", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  EXPECT_EQ(first_order_rounding_slope(o, "%x", {0.6, 0.8}, 1e-3, true, true, {{"%x", {0.8, -0.6}}}), 0.0);
}

}  // namespace
}  // namespace tc::oracles
