// The finite-difference oracle: Ridders' core on scalar functions with known derivatives and
// kinks; the oracle on graphs against the reference engine — agreement on smooth graphs in f64
// and f32, a 1% error caught in both, exact kinks never a mismatch, the tape's constants
// (stop_recording, stop_gradient, watch after use) respected, thread-count determinism.
#include "oracles/finite_difference.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "engine/ops/op_rows.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/semantics_profile.hpp"
#include "eut/inputs.hpp"
#include "oracles/complex_step.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;              // NOLINT
using namespace tc::oracles::test_support;  // NOLINT

// --- the numeric core -----------------------------------------------------------------------

ScalarFunction smooth(double (*f)(double), double x0) {
  return [f, x0](double t) { return Sample{f(x0 + t), true, 0}; };
}

TEST(Ridders, KnownDerivativesWithHonestErrorEstimates) {
  struct Case {
    double (*f)(double);
    double x0, derivative;
  };
  const Case cases[] = {
      {[](double x) { return std::sin(x); }, 0.7, std::cos(0.7)},
      {[](double x) { return std::exp(3 * x); }, 0.2, 3 * std::exp(0.6)},
      {[](double x) { return x * x * x; }, -1.5, 3 * 2.25},
      {[](double x) { return std::log1p(x * x); }, 0.4, 0.8 / 1.16},
      {[](double x) { return std::tanh(x); }, 2.0, 1 - std::tanh(2.0) * std::tanh(2.0)},
  };
  for (const Case& c : cases) {
    RiddersOptions opt;
    opt.noise = 1e-16 * std::abs(c.f(c.x0));
    const DerivativeEstimate e = ridders_derivative(smooth(c.f, c.x0), c.f(c.x0), opt);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e.stencil, Stencil::central);
    const double actual = std::abs(e.value - c.derivative);
    EXPECT_LE(actual, 1e-10 * std::abs(c.derivative)) << c.x0;
    EXPECT_LE(actual, 8 * e.error) << "the error estimate must bound the actual error";
    EXPECT_LE(e.error, 1e-8 * std::abs(c.derivative));
    EXPECT_LE(e.evaluations, 2 + opt.starts * 2 * opt.levels);
  }
}

// |t - k| with the side of the kink at k as the signature.
ScalarFunction abs_with_kink_at(double k) {
  const int base_side = 0 < k ? -1 : 0 > k ? 1 : 0;
  return [k, base_side](double t) {
    const int side = t < k ? -1 : t > k ? 1 : 0;
    return Sample{std::abs(t - k), side == base_side, 0};
  };
}

TEST(Ridders, OnAKinkThereIsNoStencil) {
  RiddersOptions opt;
  const DerivativeEstimate e = ridders_derivative(abs_with_kink_at(0.0), 0.0, opt);
  EXPECT_FALSE(e.ok());
}

TEST(Ridders, NearAKinkOneSidedDifferencesStayInTheRegion) {
  RiddersOptions opt;  // h_start 0.02: the kink at 1e-6 is far inside the first stencil
  opt.noise = 1e-16;   // rounding: the tiny central steps that avoid the kink pay for it
  const DerivativeEstimate e = ridders_derivative(abs_with_kink_at(1e-6), 1e-6, opt);
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e.value, -1.0, 1e-9);
  EXPECT_EQ(e.stencil, Stencil::backward);  // the side away from the kink allows big steps
}

TEST(Ridders, OneSidedDerivativesOnAKink) {
  // |t| on its right side (t > 0) and left side: φ'(0+) = 1, φ'(0-) = -1.
  const ScalarFunction right = [](double t) { return Sample{std::abs(t), t > 0, 0}; };
  const ScalarFunction left = [](double t) { return Sample{std::abs(t), t < 0, 0}; };
  RiddersOptions opt;
  opt.noise = 1e-16;
  const DerivativeEstimate r = ridders_one_sided(right, 0.0, Stencil::forward, opt);
  const DerivativeEstimate l = ridders_one_sided(left, 0.0, Stencil::backward, opt);
  ASSERT_TRUE(r.ok() && l.ok());
  EXPECT_NEAR(r.value, 1.0, 1e-12);
  EXPECT_NEAR(l.value, -1.0, 1e-12);
  EXPECT_FALSE(ridders_one_sided(left, 0.0, Stencil::forward, opt).ok()) << "no usable step on that side";
}

TEST(Ridders, OneSidedTableauExtrapolatesFirstOrderErrors) {
  RiddersOptions opt;
  const auto f = [](double x) { return std::exp(x); };
  const DerivativeEstimate e =
      ridders_tableau([&](double t) { return Sample{f(1 + t), true, 0}; }, f(1), Stencil::forward, 0.05, opt);
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e.value, std::exp(1.0), 1e-8);
}

// A peak far narrower than every step: beside it φ is 0, so the central tableaux from every
// start agree on 0 ± 0 while φ'(0) = 2a/σ²·P·e^(−a²/σ²) ≈ 2.4e9. The tableau cannot see this
// itself; its second differences can: −2φ(0) at every step, where a smooth φ's shrink as h².
TEST(Ridders, ANarrowPeakFoolsTheTableauxButNotTheResolutionCheck) {
  const double peak = 1.0, a = 5e-7, sigma = 1e-6;
  const ScalarFunction phi = [&](double t) {
    const double z = (t - a) / sigma;
    return Sample{peak * std::exp(-z * z), true, 0};
  };
  const double phi0 = phi(0).value;
  RiddersOptions opt;
  opt.noise = 1e-16;
  const DerivativeEstimate e = ridders_derivative(phi, phi0, opt);
  ASSERT_TRUE(e.ok());
  const double truth = 2 * a / (sigma * sigma) * phi0;
  EXPECT_GT(std::abs(e.value - truth), 1e3 * e.error) << "the tableaux are fooled: " << e.value << " ± " << e.error;
  EXPECT_FALSE(steps_resolve_point(phi, phi0, e, opt.noise));
}

// Soak graph 408170: the derivative of φ(t) = A·t·exp(-B·t²) (erf's curvature through a
// cancellation at 746.5) from a first step of 15, scaled to the 746.5. The two coarsest
// tableaux see the flat tails (0 and 0.26, errors 1e-13 and 0.23) and used to win as the
// closest pair; the third, from 0.23, is sure of A. A pair a finer tableau contradicts does
// not compete.
TEST(Ridders, TwoCoarseTableauxAgreeingOnAFlatTailDoNotOutvoteAFinerOne) {
  const double a = 5.97, b = 2.27;
  const ScalarFunction phi = [&](double t) { return Sample{a * t * std::exp(-b * t * t), true, 0}; };
  RiddersOptions opt;
  opt.noise = 1e-16;
  opt.starts = 3;  // the fourth start fell below the oracle's floor there
  const DerivativeEstimate e = ridders_multi_start(phi, 0.0, Stencil::central, 14.93, opt);
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e.value, a, 1e-6 * a) << e.value << " ± " << e.error;
}

// Soak seed 17 graph 30705: φ(t) = 1/(1/(1/(v + t) − 30.89) − 638.24) at v = 0.0323713, whose
// poles lie 4.2e-9 and 1.7e-6 from the point. Every start (0.02 down to 4e-5) sees the
// function's envelope: the tableaux agreed on ~−4.5e3 where φ'(0) = −3.4e8, and the second
// differences at 0.02 and 0.0025 shrank as a smooth φ's do. Further down they stop shrinking
// (S ~ 2.85 from 3e-4 to 1e-8): the steps do not resolve the point. The coarsest step's
// samples are unusable, as the graph's leaky_relu made them (a kink between them): that step
// says nothing, the next ones still do.
TEST(Ridders, APoleNearerThanEveryStartIsFoundByTheSecondDifferencesFurtherDown) {
  const double v = 0.032371290086672388;
  const ScalarFunction phi = [&](double t) {
    return Sample{1 / (1 / (1 / (v + t) - 30.89) - 638.24), std::abs(t) < 0.015, 0};
  };
  const double phi0 = phi(0).value;
  const double truth = -1 / std::pow(1 / (1 / v - 30.89) - 638.24, 2) / std::pow(1 / v - 30.89, 2) / (v * v);
  RiddersOptions opt;
  opt.noise = 1e-16 * std::abs(phi0);
  const DerivativeEstimate e = ridders_derivative(phi, phi0, opt);
  ASSERT_TRUE(e.ok());
  EXPECT_GT(std::abs(e.value - truth), 1e3 * e.error) << "the tableaux are fooled: " << e.value << " ± " << e.error;
  EXPECT_FALSE(steps_resolve_point(phi, phi0, e, opt.noise));
}

// Two tableaux that contradict each other — their distance beyond their own errors and beyond
// the value — do not determine it: φ(t) = t·cos(K·ln|t|) has slope cos(K·ln h) at scale h,
// opposite at the two starts h and h/8 (K·ln 8 = π). Soak graph 479193 met it as
// sin(1/v + 210.25)/v² at v = -0.0048, turning a radian every 2.3e-5 while the f32 kink
// radius kept the steps above ~1e-4: tableaux from 0.005 and 0.000625 gave -2.3e7 ± 1.3e7 and
// 2.8e7 ± 1.6e7 for a true -8.7e8, and the second-difference test passed by chance.
TEST(Ridders, TwoTableauxThatContradictEachOtherDoNotResolveThePoint) {
  const double k = M_PI / std::log(8.0);
  const ScalarFunction phi = [&](double t) {
    return Sample{t == 0 ? 0.0 : t * std::cos(k * std::log(std::abs(t))), true, 0};
  };
  RiddersOptions opt;
  opt.noise = 1e-16;
  opt.starts = 2;
  const DerivativeEstimate e = ridders_multi_start(phi, 0.0, Stencil::central, 0.01, opt);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e.settled) << e.value << " ± " << e.error;
  EXPECT_FALSE(steps_resolve_point(phi, 0.0, e, opt.noise));
}

// Below the tableaux' floor: where φ is smooth the finer differences find the estimate and a
// wrong engine keeps its mismatch; beside soak graph 479193's pole (the gradient of
// cos(1/v + 210.25) turns a radian every 2.3e-5) they side with the engine's true value
// against an estimate the tableaux made from steps ~1e-3.
TEST(Ridders, FinerStepsSideWithTheEngineOnlyWhereTheTableauxMissedTheScale) {
  const ScalarFunction smooth_phi = [](double t) { return Sample{std::sin(3 * t), true, 0}; };
  DerivativeEstimate at_smooth;
  at_smooth.value = 3;
  at_smooth.error = 1e-10;
  at_smooth.h = 0.02;
  at_smooth.stencil = Stencil::central;
  EXPECT_FALSE(finer_steps_side_with(smooth_phi, at_smooth, 3 * (1 + 1e-4), 1e-16));

  const double v = -0.0047561186365783215, c = 210.25;
  const ScalarFunction pole_phi = [&](double t) {
    const double x = v + t;
    return Sample{std::sin(1 / x + c) / (x * x), x < 0, 0};
  };
  const double truth = -std::cos(1 / v + c) / std::pow(v, 4) - 2 * std::sin(1 / v + c) / std::pow(v, 3);
  DerivativeEstimate fooled;
  fooled.value = 1.4e5;
  fooled.error = 3.9e6;
  fooled.h = 0.005;
  fooled.stencil = Stencil::central;
  EXPECT_TRUE(finer_steps_side_with(pole_phi, fooled, truth, 1e-16 * std::abs(pole_phi(0).value)));
}

TEST(Ridders, SmoothFunctionsKinksAsideAreResolved) {
  for (double x0 : {-1.5, 0.0, 0.7, 2.0}) {
    const auto f = [](double x) { return std::sin(3 * x) + x * x * x; };
    const ScalarFunction phi = [&](double t) { return Sample{f(x0 + t), true, 0}; };
    RiddersOptions opt;
    opt.noise = 1e-16 * (1 + std::abs(f(x0)));
    const DerivativeEstimate e = ridders_derivative(phi, f(x0), opt);
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(steps_resolve_point(phi, f(x0), e, opt.noise)) << x0;
  }
  // A linear φ: its second differences are rounding only.
  const ScalarFunction line = [](double t) { return Sample{2 + 3 * t, true, 0}; };
  RiddersOptions opt;
  opt.noise = 4e-16;
  EXPECT_TRUE(steps_resolve_point(line, 2, ridders_derivative(line, 2, opt), opt.noise));
  // Next to a kink the one-sided estimate is checked with one-sided second differences.
  const DerivativeEstimate near = ridders_derivative(abs_with_kink_at(1e-6), 1e-6, opt);
  ASSERT_EQ(near.stencil, Stencil::backward);
  EXPECT_TRUE(steps_resolve_point(abs_with_kink_at(1e-6), 1e-6, near, opt.noise));
}

// --- the oracle on graphs ---------------------------------------------------------------------

std::int64_t count(const std::vector<Finding>& fs, Outcome o) {
  std::int64_t n = 0;
  for (const Finding& f : fs) n += f.outcome == o;
  return n;
}

std::string describe(const std::vector<Finding>& fs) {
  std::string s;
  for (const Finding& f : fs) s += std::string(outcome_name(f.outcome)) + ": " + f.detail + "\n";
  return s;
}

// loss = sum(sin(x) * x + exp(-x²))
Block smooth_body() {
  return {op("%s", "sin", {"%x"}), op("%p", "mul", {"%s", "%x"}), op("%xx", "mul", {"%x", "%x"}),
          op("%n", "neg", {"%xx"}), op("%e", "exp", {"%n"}), op("%y", "add", {"%p", "%e"}),
          op("%loss", "reduce_sum", {"%y"})};
}

// A small BENCH_GRAPH-like graph: matmuls, tanh, sigmoid, exp, log1p, sin; three sources.
graph::Graph mixing_graph(DType dtype) {
  graph::Graph g;
  auto in = [&](const char* name, std::uint64_t seed) {
    graph::Input i = variable(name, Shape{3, 3}, {}, true, dtype);
    i.init.kind = graph::Init::Kind::normal;
    i.init.a = 0;
    i.init.b = 1;
    i.init.seed = seed;
    return i;
  };
  g.inputs = {in("%a", 1), in("%b", 2), in("%c", 3)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%ab", "matmul", {"%a", "%b"}), op("%t", "tanh", {"%ab"}),
                         op("%sc", "sigmoid", {"%c"}), op("%x", "add", {"%t", "%sc"}),
                         op("%xx", "mul", {"%x", "%x"}), op("%nx", "neg", {"%xx"}),
                         op("%ex", "exp", {"%nx"}), op("%eb", "mul", {"%ex", "%b"}),
                         op("%cc", "mul", {"%c", "%c"}), op("%l", "log1p", {"%cc"}),
                         op("%sx", "sin", {"%x"}), op("%sa", "matmul", {"%sx", "%a"}),
                         op("%x1", "add", {"%eb", "%l"}), op("%x2", "sub", {"%x1", "%sa"}),
                         op("%sq", "mul", {"%x2", "%x2"}), op("%loss", "reduce_sum", {"%sq"})}),
            gradient({"%ga", "%gb", "%gc"}, "t", "%loss", {"%a", "%b", "%c"})};
  return g;
}

TEST(FiniteDifferences, KnownDerivativeAgrees) {
  const graph::Graph g = one_input_graph({-1.3, -0.2, 0.0, 0.5, 2.4}, smooth_body());
  const std::vector<Finding> fs = check_finite_differences(g, {}, run(g));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(fs[0].entries_checked, 5);
  EXPECT_EQ(fs[0].entries_inconclusive, 0);
  EXPECT_EQ(fs[0].oracle, "finite_difference");
  EXPECT_EQ(fs[0].source, "%x");
  EXPECT_EQ(fs[0].target, "%loss");
  EXPECT_LT(fs[0].max_rel_error, 1e-7);
}

TEST(FiniteDifferences, WithoutScreeningRiddersAloneAgreesClosely) {
  const graph::Graph g = one_input_graph({-1.3, -0.2, 0.0, 0.5, 2.4}, smooth_body());
  FdOptions opt;
  opt.screen = false;
  const std::vector<Finding> fs = check_finite_differences(g, {}, run(g), opt);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_LT(fs[0].max_rel_error, 1e-10);
}

TEST(FiniteDifferences, MixingGraphAgreesInF64AndF32BothModes) {
  for (DType d : {DType::f64, DType::f32}) {
    const graph::Graph g = mixing_graph(d);
    const eut::RunResult r = run(g);
    for (FdOptions::Mode mode : {FdOptions::Mode::full, FdOptions::Mode::projection}) {
      FdOptions opt;
      opt.mode = mode;
      const std::vector<Finding> fs = check_finite_differences(g, {}, r, opt);
      ASSERT_EQ(fs.size(), 3u);
      EXPECT_EQ(count(fs, Outcome::agree), 3) << dtype_name(d) << "\n" << describe(fs);
    }
  }
}

TEST(FiniteDifferences, OnePercentOffIsCaughtInF64AndF32) {
  for (DType d : {DType::f64, DType::f32}) {
    const graph::Graph g = mixing_graph(d);
    const eut::RunResult wrong = scaled(run(g), 1.01, 1);
    for (FdOptions::Mode mode : {FdOptions::Mode::full, FdOptions::Mode::projection}) {
      FdOptions opt;
      opt.mode = mode;
      const std::vector<Finding> fs = check_finite_differences(g, {}, wrong, opt);
      ASSERT_EQ(fs.size(), 3u);
      EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
      EXPECT_EQ(fs[1].outcome, Outcome::mismatch) << dtype_name(d) << " " << fs[1].detail;
      EXPECT_EQ(fs[2].outcome, Outcome::agree) << fs[2].detail;
      EXPECT_GT(fs[1].max_abs_error, fs[1].tolerance);
    }
  }
}

TEST(FiniteDifferences, OneWrongElementIsLocated) {
  const graph::Graph g = one_input_graph({-1.3, -0.2, 0.1, 0.5, 2.4}, smooth_body());
  eut::RunResult r = run(g);
  r.gradients[0].values[0]->data[3] *= 1.01;
  const std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::mismatch);
  EXPECT_EQ(fs[0].worst_entry, 3);
  EXPECT_NE(fs[0].detail.find("1 of 5"), std::string::npos) << fs[0].detail;
}

TEST(FiniteDifferences, BenchGraphAgreesAndCatchesOnePercentInF64AndF32) {
  for (DType d : {DType::f64, DType::f32}) {
    const graph::Graph g = bench_graph(d);
    const eut::RunResult r = run(g);
    const std::vector<Finding> fs = check_finite_differences(g, {}, r);
    EXPECT_EQ(count(fs, Outcome::agree), 3) << dtype_name(d) << "\n" << describe(fs);
    FdOptions ridders_only;
    ridders_only.screen = false;
    EXPECT_EQ(count(check_finite_differences(g, {}, r, ridders_only), Outcome::agree), 3) << dtype_name(d);
    // The whole gradient of c 1% off.
    const std::vector<Finding> fw = check_finite_differences(g, {}, scaled(r, 1.01, 2));
    EXPECT_EQ(fw[2].outcome, Outcome::mismatch) << dtype_name(d) << ": " << fw[2].detail;
    EXPECT_EQ(count(fw, Outcome::agree), 2);
  }
  // In f64 one element 1% off is found; in f32 an engine's elements are only accurate
  // normwise here (a correct f32 gradient has small elements 0.4% off the truth), so the
  // f32 tolerance is relative to the largest element (docs/oracles.md).
  const graph::Graph g = bench_graph(DType::f64);
  eut::RunResult wrong = run(g);
  wrong.gradients[0].values[2]->data[17] *= 1.01;
  const std::vector<Finding> fw = check_finite_differences(g, {}, wrong);
  EXPECT_EQ(fw[2].outcome, Outcome::mismatch) << fw[2].detail;
  EXPECT_EQ(fw[2].worst_entry, 17);
  EXPECT_EQ(fw[2].entries_checked - 1, 63);
}

// --- kinks ---------------------------------------------------------------------------------

struct KinkCase {
  std::string name;
  graph::Graph graph;
  std::int64_t kink_entry;
};

std::vector<KinkCase> kink_cases() {
  std::vector<KinkCase> cases;
  cases.push_back({"relu at 0",
                   one_input_graph({-1.0, 0.0, 2.0},
                                   {op("%r", "relu", {"%x"}), op("%y", "mul", {"%r", "%x"}),
                                    op("%z", "add", {"%y", "%r"}), op("%loss", "reduce_sum", {"%z"})}),
                   1});
  cases.push_back({"abs at 0",
                   one_input_graph({-0.5, 0.0, 1.5}, {op("%r", "abs", {"%x"}), op("%loss", "reduce_sum", {"%r"})}),
                   1});
  {
    // maximum(x, c) with x[1] == c[1]: a tie.
    graph::Graph g = one_input_graph({0.3, 0.7, -1.0}, {op("%m", "maximum", {"%x", "%c"}),
                                                        op("%loss", "reduce_sum", {"%m"})});
    g.inputs.push_back(constant("%c", Shape{3}, {0.5, 0.7, -2.0}));
    cases.push_back({"maximum tie", std::move(g), 1});
  }
  cases.push_back({"floor at an integer",
                   one_input_graph({0.5, 1.0, 2.25},
                                   {op("%f", "floor", {"%x"}), op("%y", "mul", {"%x", "%f"}),
                                    op("%loss", "reduce_sum", {"%y"})}),
                   1});
  {
    // where(x > 0, x², -x) at x = 0: the selection flips.
    graph::Graph g = one_input_graph({-0.4, 0.0, 0.9},
                                     {op("%pos", "greater", {"%x", "%zero"}), op("%sq", "mul", {"%x", "%x"}),
                                      op("%n", "neg", {"%x"}), op("%w", "where", {"%pos", "%sq", "%n"}),
                                      op("%loss", "reduce_sum", {"%w"})});
    g.inputs.push_back(constant("%zero", Shape{}, {0.0}));
    cases.push_back({"where flipping", std::move(g), 1});
  }
  {
    OpAttrs clip;
    clip.lo = -1;
    clip.hi = 1;
    cases.push_back({"clip at its bound",
                     one_input_graph({-2.0, 1.0, 0.25},
                                     {op("%c", "clip_by_value", {"%x"}, clip), op("%y", "mul", {"%c", "%x"}),
                                      op("%loss", "reduce_sum", {"%y"})}),
                     1});
  }
  return cases;
}

TEST(FiniteDifferences, ExactKinksAreNeverAMismatch) {
  for (const KinkCase& k : kink_cases()) {
    const eut::RunResult r = run(k.graph);
    const std::vector<Finding> fs = check_finite_differences(k.graph, {}, r);
    ASSERT_EQ(fs.size(), 1u) << k.name;
    EXPECT_NE(fs[0].outcome, Outcome::mismatch) << k.name << ": " << fs[0].detail;
    EXPECT_EQ(fs[0].outcome, Outcome::agree) << k.name << ": " << fs[0].detail;
    // The kink entry is inconclusive or agrees: the other entries are checked.
    EXPECT_EQ(fs[0].entries_checked + fs[0].entries_inconclusive, 3) << k.name;
    EXPECT_GE(fs[0].entries_checked, 2) << k.name;

    // An engine choosing another value at the kink (a different convention) is not wrong.
    eut::RunResult other = r;
    other.gradients[0].values[0]->data[static_cast<std::size_t>(k.kink_entry)] += 0.5;
    const std::vector<Finding> fo = check_finite_differences(k.graph, {}, other);
    EXPECT_NE(fo[0].outcome, Outcome::mismatch) << k.name << " (other convention): " << fo[0].detail;
    EXPECT_EQ(fo[0].entries_inconclusive, 1) << k.name << ": " << fo[0].detail;

    // But a wrong value away from the kink still is.
    eut::RunResult wrong = r;
    const std::size_t away = k.kink_entry == 0 ? 2 : 0;
    wrong.gradients[0].values[0]->data[away] += 0.5;
    EXPECT_EQ(check_finite_differences(k.graph, {}, wrong)[0].outcome, Outcome::mismatch) << k.name;
  }
}

// A profile stating one rule per op: what an engine without the table's kink rules declares.
eut::SemanticsProfile kink_profile(const OpDef& row, std::optional<eut::KinkSide> side,
                                   std::optional<eut::TieRule> ties = std::nullopt) {
  eut::SemanticsProfile p;
  p.name = "test";
  p.ops[&row].kink_side = side;
  p.ops[&row].ties = ties;
  return p;
}

// Per kink case (relu(x)·x + relu(x) at 0: relu'(0); abs'(0); maximum at a tie: ∂/∂x) a
// stated rule, the derivative it gives and the other side's: what an engine gets wrong.
struct StatedRule {
  const char* name;
  eut::SemanticsProfile profile;
  double derivative, other_side;
};

TEST(FiniteDifferences, AtAKinkTheSideTheProfileStatesIsJudged) {
  using eut::KinkSide;
  const std::vector<KinkCase> cases = kink_cases();
  const StatedRule rules[] = {
      {"relu at 0", kink_profile(op_relu, KinkSide::left), 0.0, 1.0},
      {"relu at 0", kink_profile(op_relu, KinkSide::right), 1.0, 0.0},
      {"abs at 0", kink_profile(op_abs, KinkSide::mean), 0.0, 1.0},
      {"maximum tie", kink_profile(op_maximum, std::nullopt, eut::TieRule::split_evenly), 0.5, 1.0},
  };
  for (const StatedRule& rule : rules) {
    const auto k = std::find_if(cases.begin(), cases.end(), [&](const KinkCase& c) { return c.name == rule.name; });
    ASSERT_NE(k, cases.end()) << rule.name;
    const auto entry = static_cast<std::size_t>(k->kink_entry);
    eut::RunResult r = run(k->graph);
    r.gradients[0].values[0]->data[entry] = rule.derivative;
    FdOptions opt;
    opt.semantics = &rule.profile;
    const std::vector<Finding> fs = check_finite_differences(k->graph, {}, r, opt);
    EXPECT_EQ(fs[0].outcome, Outcome::agree) << rule.name << ": " << fs[0].detail;
    EXPECT_EQ(fs[0].entries_checked, 3) << rule.name << ": the kink entry is judged: " << fs[0].detail;

    // The other side is a mismatch, at the kink entry.
    eut::RunResult wrong = r;
    wrong.gradients[0].values[0]->data[entry] = rule.other_side;
    const std::vector<Finding> fw = check_finite_differences(k->graph, {}, wrong, opt);
    EXPECT_EQ(fw[0].outcome, Outcome::mismatch) << rule.name << ": " << fw[0].detail;
    EXPECT_EQ(fw[0].worst_entry, k->kink_entry) << rule.name;

    // An engine that ran in f32 may round its kink's input off the kink: not judged there.
    graph::Graph g32 = k->graph;
    for (graph::Input& in : g32.inputs) in.dtype = DType::f32;
    eut::RunResult wrong32 = run(g32);
    wrong32.gradients[0].values[0]->data[entry] = rule.other_side;
    const std::vector<Finding> f32 = check_finite_differences(g32, {}, wrong32, opt);
    EXPECT_NE(f32[0].outcome, Outcome::mismatch) << rule.name << ": " << f32[0].detail;
  }
  // A kink whose rule the profile does not state stays inconclusive.
  const auto where = std::find_if(cases.begin(), cases.end(), [](const KinkCase& c) { return c.name == "where flipping"; });
  ASSERT_NE(where, cases.end());
  const eut::SemanticsProfile relu_only = kink_profile(op_relu, eut::KinkSide::left);
  FdOptions opt;
  opt.semantics = &relu_only;
  EXPECT_EQ(check_finite_differences(where->graph, {}, run(where->graph), opt)[0].entries_inconclusive, 1);
}

TEST(FiniteDifferences, KinkNearButNotAtThePointUsesTheRegionOnly) {
  // relu(x - 1e-7·k) style: x[1] = 1e-9 sits just right of relu's kink.
  const graph::Graph g = one_input_graph({-1.0, 1e-9, 2.0}, {op("%r", "relu", {"%x"}), op("%y", "mul", {"%r", "%r"}),
                                                            op("%z", "add", {"%y", "%r"}),
                                                            op("%loss", "reduce_sum", {"%z"})});
  FdOptions opt;
  opt.screen = false;
  const std::vector<Finding> fs = check_finite_differences(g, {}, run(g), opt);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(fs[0].entries_checked, 3) << fs[0].detail;
}

TEST(FiniteDifferences, ANormOfOneElementNearZeroIsNotDifferencedAcrossItsKink) {
  // l = −1.3·‖x − 3‖ + acosh(x) + f32(z) at x = 3.0001 in f32 (soak graph 2212, reduced):
  // the norm of one element is |x − 3|, whose kink lies 1e-4 away, and the cast to f32 makes
  // the differences' noise that of f32, so the large steps that cross the kink looked the
  // most precise (0.35 against the engine's right −0.946) until norm recorded that side.
  OpAttrs scalar, all;
  scalar.shape = {};
  graph::Graph g;
  g.inputs = {variable("%x", Shape{1}, {3.0001}, true, DType::f32), constant("%k", Shape{}, {-3}, DType::f32),
              constant("%w", Shape{}, {-1.3}, DType::f32), variable("%z", Shape{}, {0.5}, true, DType::f64)};
  OpAttrs to_f32;
  to_f32.dtype = DType::f32;
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%s", "add", {"%x", "%k"}), op("%r", "reshape", {"%s"}, scalar),
                         op("%n", "norm", {"%r"}, all), op("%m", "mul", {"%n", "%w"}), op("%e", "acosh", {"%x"}),
                         op("%q", "reduce_sum", {"%e"}, all), op("%sum", "add", {"%m", "%q"}),
                         op("%zc", "cast", {"%z"}, to_f32), op("%loss", "add", {"%sum", "%zc"})}),
            gradient({"%g", "%gz"}, "t", "%loss", {"%x", "%z"})};
  const std::vector<Finding> fs = check_finite_differences(g, {}, run(g));
  const auto x = std::find_if(fs.begin(), fs.end(), [](const Finding& f) { return f.source == "%x"; });
  ASSERT_NE(x, fs.end());
  EXPECT_EQ(x->outcome, Outcome::agree) << x->detail;
  EXPECT_EQ(x->entries_checked, 1) << x->detail;
}

// --- what the tape treats as constant ---------------------------------------------------------

// The narrow peak on a graph (a gradient_check fuzz input, reduced): the engine's gradient is
// right — complex step agrees to 1e-15 — and the differences, whose samples all fall beside
// the peak, cannot say so: inconclusive, never the mismatch they reported before.
TEST(FiniteDifferences, APeakNarrowerThanEveryStepIsInconclusiveNotAMismatch) {
  const graph::Graph g = narrow_peak_graph();
  const eut::RunResult r = run(g);
  ASSERT_FALSE(r.error);
  const std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::inconclusive) << fs[0].detail;
  EXPECT_EQ(fs[0].evidence.reason, "scale");
  const std::vector<Finding> cs = check_complex_step(g, {}, r);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].outcome, Outcome::agree) << cs[0].detail;
}

TEST(FiniteDifferences, RespectsStopRecordingStopGradientAndWatchOrder) {
  // loss = sum(x * stop_recording(sin x) + x * stop_gradient(cos x) + exp(c) * x), where c = x²
  // is computed before x is watched (x is a constant input): the tape sees none of those
  // three inner dependences.
  graph::Graph g;
  g.inputs = {constant("%x", Shape{3}, {0.3, -0.8, 1.7})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%c", "mul", {"%x", "%x"}), watch("t", {"%x"}),
                         stop_recording("t", {op("%s", "sin", {"%x"})}), op("%a", "mul", {"%x", "%s"}),
                         op("%co", "cos", {"%x"}), op("%sg", "stop_gradient", {"%co"}),
                         op("%b", "mul", {"%x", "%sg"}), op("%ec", "exp", {"%c"}),
                         op("%d", "mul", {"%ec", "%x"}), op("%ab", "add", {"%a", "%b"}),
                         op("%y", "add", {"%ab", "%d"}), op("%loss", "reduce_sum", {"%y"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const eut::RunResult r = run(g);
  ASSERT_TRUE(r.gradients.at(0).values.at(0));
  const std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  // The engine's gradient is sin x + cos x + exp(x²), not the plain derivative.
  const std::vector<double>& gv = r.gradients[0].values[0]->data;
  EXPECT_NEAR(gv[0], std::sin(0.3) + std::cos(0.3) + std::exp(0.09), 1e-12);
}

TEST(FiniteDifferences, TapeThatDoesNotWatchAccessedVariables) {
  // watch_accessed_variables = false: w is read but not watched, so sin(w) is a constant to
  // the tape (frozen), d/dw is None and d/dx = sin(w) + v·cos(x) with v watched explicitly.
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.4, -1.1}), variable("%w", Shape{2}, {0.9, 2.0}),
              variable("%v", Shape{2}, {1.5, -0.5})};
  g.tapes = {tape("t", false, /*watch_accessed_variables=*/false)};
  g.body = {record("t", {watch("t", {"%x", "%v"}), op("%sw", "sin", {"%w"}), op("%a", "mul", {"%sw", "%x"}),
                         op("%c", "cos", {"%x"}), op("%b", "mul", {"%v", "%c"}), op("%y", "add", {"%a", "%b"}),
                         op("%loss", "reduce_sum", {"%y"})}),
            gradient({"%gx", "%gw", "%gv"}, "t", "%loss", {"%x", "%w", "%v"})};
  const eut::RunResult r = run(g);
  const std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(fs[1].outcome, Outcome::not_applicable) << fs[1].detail;
  EXPECT_EQ(fs[2].outcome, Outcome::agree) << fs[2].detail;
}

TEST(FiniteDifferences, NoneAndSecondOrderAreNotApplicableAnIntermediateSourceIsChecked) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, -0.5}), constant("%k", Shape{2}, {1.0, 2.0})};
  g.tapes = {tape("t", /*persistent=*/true), tape("outer", true)};
  g.body = {record("outer", {record("t", {op("%h", "sin", {"%x"}), op("%y", "mul", {"%h", "%k"}),
                                          op("%loss", "reduce_sum", {"%y"})}),
                             gradient({"%gx", "%gk", "%gh"}, "t", "%loss", {"%x", "%k", "%h"}),
                             op("%gs", "reduce_sum", {"%gx"})}),
            gradient({"%g2"}, "outer", "%gs", {"%x"})};
  const eut::RunResult r = run(g);
  ASSERT_EQ(r.gradients.size(), 2u);
  const std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 4u) << describe(fs);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;          // x
  EXPECT_EQ(fs[1].outcome, Outcome::not_applicable) << fs[1].detail; // k: None (unwatched)
  EXPECT_NE(fs[1].detail.find("None"), std::string::npos);
  EXPECT_EQ(fs[2].outcome, Outcome::agree) << fs[2].detail;          // h: intermediate, d/dh = k
  EXPECT_GT(fs[2].entries_checked, 0);
  EXPECT_EQ(fs[3].outcome, Outcome::not_applicable) << fs[3].detail; // second order
  EXPECT_NE(fs[3].detail.find("second order"), std::string::npos);
  EXPECT_EQ(fs[3].gradient, 1);
}

TEST(FiniteDifferences, OutputGradientsWeighTheTarget) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {0.2, 0.4, -0.9}), constant("%v", Shape{3}, {2.0, -1.0, 0.5})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "tanh", {"%x"})}),
            gradient({"%g"}, "t", "%y", {"%x"}, {}, std::string("%v"))};
  const eut::RunResult r = run(g);
  EXPECT_EQ(check_finite_differences(g, {}, r)[0].outcome, Outcome::agree);
  eut::RunResult wrong = r;
  wrong.gradients[0].values[0]->data[1] = -wrong.gradients[0].values[0]->data[1];
  EXPECT_EQ(check_finite_differences(g, {}, wrong)[0].outcome, Outcome::mismatch);
}

TEST(FiniteDifferences, WhileLoopAndCondAreDifferentiatedThrough) {
  // y = x; repeat 3: y = sin(y) * x; loss = sum(cond(sum y > 0, exp(y), y * y))
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.8, 1.1}), constant("%n", Shape{}, {3}), constant("%zero", Shape{}, {0}),
              constant("%one", Shape{}, {1})};
  g.tapes = {tape("t")};
  g.body = {record("t", {while_loop({"%yf", "%if"}, {"%x", "%zero"}, {"%yp", "%ip"},
                                    {op("%c", "less", {"%ip", "%n"})}, "%c",
                                    {op("%ys", "sin", {"%yp"}), op("%yn", "mul", {"%ys", "%x"}),
                                     op("%in", "add", {"%ip", "%one"})},
                                    {"%yn", "%in"}),
                         op("%sum", "reduce_sum", {"%yf"}), op("%pos", "greater", {"%sum", "%zero"}),
                         cond({"%r"}, "%pos", {op("%r1", "exp", {"%yf"})}, {"%r1"},
                              {op("%r2", "mul", {"%yf", "%yf"})}, {"%r2"}),
                         op("%loss", "reduce_sum", {"%r"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const eut::RunResult r = run(g);
  const std::vector<Finding> fs = check_finite_differences(g, {}, r);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_EQ(check_finite_differences(g, {}, scaled(r, 1.01))[0].outcome, Outcome::mismatch);
}

// A result that passes a tensor on is that tensor: TF's gradient with respect to it counts
// every path from where the tensor was made. A while_loop that ran zero times returns x itself
// and a cond's taken branch yields h itself, so d loss/d w = d loss/d x and d loss/d r =
// d loss/d h; moving w or r alone (2x, k) would be another function's derivative.
TEST(FiniteDifferences, AResultThatPassesATensorOnIsCheckedAsThatTensor) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.8, -1.1}), constant("%k", Shape{2}, {1.5, -0.5}),
              constant("%n", Shape{}, {0}), constant("%zero", Shape{}, {0}), constant("%one", Shape{}, {1}),
              constant("%p", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%h", "sin", {"%x"}),
                         while_loop({"%w", "%i"}, {"%x", "%zero"}, {"%wp", "%ip"}, {op("%c", "less", {"%ip", "%n"})},
                                    "%c", {op("%wn", "exp", {"%wp"}), op("%in", "add", {"%ip", "%one"})},
                                    {"%wn", "%in"}),
                         cond({"%r"}, "%p", {}, {"%h"}, {op("%e", "exp", {"%x"})}, {"%e"}),
                         op("%ww", "mul", {"%w", "%w"}), op("%hh", "mul", {"%h", "%h"}),
                         op("%rk", "mul", {"%r", "%k"}), op("%a", "add", {"%ww", "%hh"}),
                         op("%b", "add", {"%a", "%rk"}), op("%loss", "reduce_sum", {"%b"})}),
            gradient({"%gw", "%gr"}, "t", "%loss", {"%w", "%r"})};
  const eut::RunResult r = run(g);
  ASSERT_EQ(r.gradients.size(), 1u);
  std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 2u) << describe(fs);
  for (const Finding& f : fs) {
    EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;
    EXPECT_GT(f.entries_checked, 0) << f.detail;
  }
  EXPECT_EQ(fs[0].source, "%w") << "findings name the statement's source, not x";
  // The derivatives of moving the results alone: 2w for w, k for r.
  eut::RunResult alone = r;
  const std::vector<double> x = {0.8, -1.1}, k = {1.5, -0.5};
  for (std::size_t i = 0; i < 2; ++i) {
    alone.gradients[0].values[0]->data[i] = 2 * x[i];
    alone.gradients[0].values[1]->data[i] = k[i];
  }
  fs = check_finite_differences(g, {}, alone);
  ASSERT_EQ(fs.size(), 2u);
  for (const Finding& f : fs) EXPECT_EQ(f.outcome, Outcome::mismatch) << f.detail;
}

// A stop_gradient inside the branch a top-level cond takes is held at its base value, as one
// outside control flow is: d Σ(stop_gradient(x)·x)/dx = x, and 2x (the value let move) is a
// mismatch.
TEST(FiniteDifferences, AValueTheTapeHoldsInATakenBranchIsHeld) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.8, -1.1}), constant("%p", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  g.body = {record("t", {cond({"%r"}, "%p", {op("%h", "stop_gradient", {"%x"}), op("%a", "mul", {"%h", "%x"})},
                              {"%a"}, {op("%e", "exp", {"%x"})}, {"%e"}),
                         op("%loss", "reduce_sum", {"%r"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const eut::RunResult r = run(g);
  std::vector<Finding> fs = check_finite_differences(g, {}, r);
  ASSERT_EQ(fs.size(), 1u) << describe(fs);
  EXPECT_EQ(fs[0].outcome, Outcome::agree) << fs[0].detail;
  EXPECT_GT(fs[0].entries_checked, 0);
  eut::RunResult moving = r;
  for (std::size_t i = 0; i < 2; ++i) moving.gradients[0].values[0]->data[i] *= 2;
  EXPECT_EQ(check_finite_differences(g, {}, moving)[0].outcome, Outcome::mismatch);
}

// --- determinism ----------------------------------------------------------------------------

TEST(FiniteDifferences, BitIdenticalForAnyThreadCountAndRerun) {
  const graph::Graph g = mixing_graph(DType::f64);
  // A wrong engine, so the Ridders path runs too, not only the screen.
  const eut::RunResult r = scaled(run(g), 1.001, 2);
  for (FdOptions::Mode mode : {FdOptions::Mode::full, FdOptions::Mode::projection}) {
    FdOptions opt;
    opt.mode = mode;
    opt.seed = 42;
    opt.threads = 1;
    const std::vector<Finding> one = check_finite_differences(g, {}, r, opt);
    for (int threads : {2, 3, 8}) {
      opt.threads = threads;
      expect_identical(one, check_finite_differences(g, {}, r, opt));
    }
    opt.threads = 2;
    expect_identical(one, check_finite_differences(g, {}, r, opt));
  }
}

TEST(FiniteDifferences, PreparedObjectivesGiveTheSameFindingsAcrossChecks) {
  const graph::Graph g = mixing_graph(DType::f64);
  const eut::RunResult right = run(g), wrong = scaled(right, 1.001, 2);
  const PreparedObjectives prepared(g, {});
  for (FdOptions::Mode mode : {FdOptions::Mode::full, FdOptions::Mode::projection})
    for (int threads : {1, 2})
      for (const eut::RunResult* r : {&right, &wrong}) {
        FdOptions opt;
        opt.mode = mode;
        opt.threads = threads;
        expect_identical(check_finite_differences(g, {}, *r, opt), check_finite_differences(prepared, *r, opt));
      }
}

TEST(FiniteDifferences, ManyGraphsInParallelGiveEachGraphsFindings) {
  std::vector<graph::Graph> graphs = {mixing_graph(DType::f64), one_input_graph({0.3, -0.7}, smooth_body()),
                                      mixing_graph(DType::f32)};
  std::vector<eut::RunResult> results;
  for (const graph::Graph& g : graphs) results.push_back(run(g));
  results[0] = scaled(results[0], 1.01, 0);
  const eut::InputValues none;
  std::vector<OracleCase> cases;
  for (std::size_t i = 0; i < graphs.size(); ++i) cases.push_back({&graphs[i], &none, &results[i]});
  FdOptions opt;
  opt.threads = 3;
  const std::vector<std::vector<Finding>> all = check_finite_differences(cases, opt);
  ASSERT_EQ(all.size(), 3u);
  for (std::size_t i = 0; i < graphs.size(); ++i) {
    FdOptions one;
    one.threads = 1;
    expect_identical(all[i], check_finite_differences(graphs[i], {}, results[i], one));
  }
  EXPECT_EQ(all[0][0].outcome, Outcome::mismatch);
  EXPECT_EQ(all[1][0].outcome, Outcome::agree);
}

}  // namespace
}  // namespace tc::oracles
