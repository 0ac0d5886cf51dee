// The second-order oracle: Hessian-vector products through nested tapes against finite
// differences of the engine's first-order gradient, on graphs whose Hessians are worked by
// hand; a kink gives inconclusive, never mismatch; injected second-order faults are mismatches.
#include "oracles/second_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/api.hpp"
#include "engine/ops/cumulative/cumulative.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/rules.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/mutants/mutant.hpp"
#include "eut/semantics_profile.hpp"
#include "graph/tcg.hpp"
#include "graph/walk.hpp"
#include "tests/eut/ir_builder.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

// H u by hand for each source, against the engine's nested-tape result for the oracle's u.
void expect_hvp(const graph::Graph& g, const std::vector<std::vector<std::vector<double>>>& hessian_blocks) {
  const HvpProgram prog = make_hvp_program(g, 0);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  const eut::RunResult r = eut::make_reference_engine()->run(prog.nested, {});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 2u);
  // hessian_blocks[i] is row block i of H: (H u)_i = Σ_j H_ij u_j with u stacked.
  std::vector<double> u;
  for (const std::string& s : prog.sources) u.insert(u.end(), prog.u.at(s).begin(), prog.u.at(s).end());
  for (std::size_t i = 0; i < prog.sources.size(); ++i) {
    const std::optional<eut::Value>& h = r.gradients[1].values[i];
    const auto& rows = hessian_blocks[i];
    for (std::size_t k = 0; k < rows.size(); ++k) {
      double expected = 0;
      for (std::size_t c = 0; c < u.size(); ++c) expected += rows[k][c] * u[c];
      const double got = h ? h->data[k] : 0.0;
      EXPECT_NEAR(got, expected, 1e-12 * (1 + std::abs(expected))) << prog.sources[i] << "[" << k << "]";
    }
  }
}

void expect_outcomes(const std::vector<Finding>& f, Outcome o, std::size_t n) {
  ASSERT_EQ(f.size(), n);
  for (const Finding& x : f) {
    EXPECT_EQ(x.oracle, "second_order");
    EXPECT_EQ(x.outcome, o) << x.source << ": " << x.detail;
  }
}

std::vector<Finding> check(const graph::Graph& g, const eut::InputValues& in = {}) {
  auto engine = eut::make_reference_engine();
  return check_second_order(*engine, g, in);
}

graph::Graph cube() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.7})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%x2", "mul", {"%x", "%x"}), op("%y", "mul", {"%x2", "%x"})}),
            gradient({"%gx"}, "t", "%y", {"%x"})};
  return g;
}

TEST(SecondOrder, CubeHasHessianSixX) {
  expect_hvp(cube(), {{{6 * 0.7}}});
  const std::vector<Finding> f = check(cube());
  expect_outcomes(f, Outcome::agree, 1);
  EXPECT_EQ(f[0].entries_checked, 2);
}

// f = exp(x) sin(y): H = [[eˣ sin y, eˣ cos y], [eˣ cos y, −eˣ sin y]].
TEST(SecondOrder, ExpTimesSinHasAFullHessian) {
  const double x = 0.3, y = -1.1;
  graph::Graph g;
  g.inputs = {constant("%x", Shape{}, {x}), constant("%y", Shape{}, {y})};
  g.tapes = {tape("t")};
  g.body = {record("t", {watch("t", {"%x", "%y"}), op("%ex", "exp", {"%x"}), op("%sy", "sin", {"%y"}),
                         op("%f", "mul", {"%ex", "%sy"})}),
            gradient({"%gx", "%gy"}, "t", "%f", {"%x", "%y"})};
  const double e = std::exp(x), s = std::sin(y), c = std::cos(y);
  expect_hvp(g, {{{e * s, e * c}}, {{e * c, -e * s}}});
  expect_outcomes(check(g), Outcome::agree, 2);
}

// f = xᵀ A x with x a column: H = A + Aᵀ.
TEST(SecondOrder, MatmulQuadraticFormHasHessianAPlusATransposed) {
  const std::vector<double> a{2, -1, 0.5, 0.3, 4, 1, -2, 0.7, 3};
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3, 1}, {0.4, -1.2, 2.0}), constant("%A", Shape{3, 3}, a)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%ax", "matmul", {"%A", "%x"}), op("%xt", "transpose", {"%x"}),
                         op("%q", "matmul", {"%xt", "%ax"})}),
            gradient({"%gx"}, "t", "%q", {"%x"})};
  std::vector<std::vector<double>> h(3, std::vector<double>(3));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) h[i][j] = a[i * 3 + j] + a[j * 3 + i];
  expect_hvp(g, {h});
  expect_outcomes(check(g), Outcome::agree, 1);
}

// f = xᵀ B y + ‖W x‖²: H_xx = 2 WᵀW, H_xy = B, H_yx = Bᵀ, H_yy = 0.
TEST(SecondOrder, BilinearAndGramForms) {
  const std::vector<double> b{1, 2, -1, 0.5}, w{0.3, -0.2, 1.5, 0.8, 0.1, -1};  // B 2x2, W 3x2
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2, 1}, {0.5, -0.25}), constant("%y", Shape{2, 1}, {1.5, 2}),
              constant("%B", Shape{2, 2}, b), constant("%W", Shape{3, 2}, w)};
  g.tapes = {tape("t")};
  g.body = {record("t", {watch("t", {"%x", "%y"}), op("%xt", "transpose", {"%x"}), op("%by", "matmul", {"%B", "%y"}),
                         op("%xby", "matmul", {"%xt", "%by"}), op("%wx", "matmul", {"%W", "%x"}),
                         op("%wx2", "mul", {"%wx", "%wx"}), op("%gram", "reduce_sum", {"%wx2"}),
                         op("%f", "add", {"%xby", "%gram"})}),
            gradient({"%gx", "%gy"}, "t", "%f", {"%x", "%y"})};
  double wtw[2][2] = {};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) wtw[i][j] += w[k * 2 + i] * w[k * 2 + j];
  expect_hvp(g, {{{2 * wtw[0][0], 2 * wtw[0][1], b[0], b[1]}, {2 * wtw[1][0], 2 * wtw[1][1], b[2], b[3]}},
                 {{b[0], b[2], 0, 0}, {b[1], b[3], 0, 0}}});
  expect_outcomes(check(g), Outcome::agree, 2);
}

// A linear loss: the gradient is a constant, its gradient None — a structural zero that
// finite differences confirm.
TEST(SecondOrder, ALinearLossHasANoneProductThatIsZero) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, 1}), constant("%c", Shape{2}, {3, -2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%x", "%c"})}), gradient({"%gx"}, "t", "%y", {"%x"})};
  const HvpProgram prog = make_hvp_program(g, 0);
  const eut::RunResult r = eut::make_reference_engine()->run(prog.nested, {});
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_FALSE(r.gradients.at(1).values.at(0));
  const std::vector<Finding> f = check(g);
  expect_outcomes(f, Outcome::agree, 1);
  EXPECT_NE(f[0].detail.find("None"), std::string::npos) << f[0].detail;
}

// op(x)·op(x) for a unary op: relu(x)² is smooth away from 0 (H = 2 [x > 0]); at x = 0 every
// direction crosses the kink.
graph::Graph unary_square(const char* unary, std::vector<double> x, DType dtype = DType::f64) {
  graph::Graph g;
  const auto n = static_cast<std::int64_t>(x.size());
  g.inputs = {variable("%x", Shape{n}, std::move(x), true, dtype)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%r", unary, {"%x"}), op("%r2", "mul", {"%r", "%r"})}),
            gradient({"%gx"}, "t", "%r2", {"%x"})};
  return g;
}
graph::Graph relu_square(std::vector<double> x, DType dtype = DType::f64) {
  return unary_square("relu", std::move(x), dtype);
}

bool mentions(const Finding& f, const char* words) { return f.detail.find(words) != std::string::npos; }

// The reference engine with relu's VJP passing the gradient where x >= 0 (relu'(0) = 1).
std::unique_ptr<eut::EngineUnderTest> relu_boundary_included() {
  const eut::Mutant* m = eut::find_mutant("relu_boundary_included");
  return eut::make_reference_engine(eut::rules_of(*m), "mutant:relu_boundary_included");
}

// At x = 0 the table's relu'(0) = 0 takes the piece below the kink, twice in the nested tapes
// (the VJP's mask and the outer tape's relu): 2·0·0 for that element, the derivative of φ on
// the side of t where the element lies below 0.
TEST(SecondOrder, ReluAwayFromTheKinkAgreesAtTheKinkIsJudgedOnItsRulesSide) {
  expect_outcomes(check(relu_square({0.5, -0.7, 1.2})), Outcome::agree, 1);
  const std::vector<Finding> f = check(relu_square({0.5, 0.0, 1.2}));
  expect_outcomes(f, Outcome::agree, 1);
  EXPECT_EQ(f[0].entries_checked, 2) << f[0].detail;
  EXPECT_TRUE(mentions(f[0], "2 direction(s) judged one-sided at a kink")) << f[0].detail;
  // Within the engine's rounding of the kink, on its piece above 0: that side.
  const std::vector<Finding> near = check(relu_square({0.5, 1e-17, 1.2}));
  expect_outcomes(near, Outcome::agree, 1);
  EXPECT_TRUE(mentions(near[0], "judged one-sided")) << near[0].detail;
}

// relu_boundary_included passes the gradient where x >= 0: relu'(0) = 1, the piece above the
// kink, so its nested tapes give 2 for the kink element where the table's side has 0. Caught
// where the engine ran in f64; in f32 its rounding may put the point off the kink (to either
// side), so a disagreement there is inconclusive, never a mismatch, and an agreement still one.
TEST(SecondOrder, AtAKinkTheOtherSidesPieceIsAMismatchInF64) {
  const std::unique_ptr<eut::EngineUnderTest> mutant = relu_boundary_included();
  const std::vector<Finding> f = check_second_order(*mutant, relu_square({0.5, 0.0, 1.2}), {});
  expect_outcomes(f, Outcome::mismatch, 1);
  EXPECT_TRUE(mentions(f[0], "judged one-sided")) << f[0].detail;
  expect_outcomes(check_second_order(*mutant, relu_square({0.5, -0.7, 1.2}), {}), Outcome::agree, 1);

  const graph::Graph g32 = relu_square({0.5, 0.0, 1.2}, DType::f32);
  expect_outcomes(check(g32), Outcome::agree, 1);
  const std::vector<Finding> f32 = check_second_order(*mutant, g32, {});
  expect_outcomes(f32, Outcome::inconclusive, 1);
  EXPECT_TRUE(mentions(f32[0], "may take another piece")) << f32[0].detail;
}

// The same judged by a profile instead of the table: an engine (the reference's numbers) that
// states relu'(0) = 0 as its rule agrees. One that states the other side disagrees, but not as
// a mismatch: a profile states first-order sides, and an engine's double backward may take a
// kink by its own rule (libtorch's elu at 0: the first derivative the left piece's, the
// second the right's).
class ProfiledReference final : public eut::EngineUnderTest {
 public:
  explicit ProfiledReference(eut::SemanticsProfile p) : profile_(std::move(p)) {}
  std::string name() const override { return "profiled-reference"; }
  const eut::SemanticsProfile& semantics() const override { return profile_; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override { return reference_->run(g, in); }

 private:
  eut::SemanticsProfile profile_;
  std::unique_ptr<eut::EngineUnderTest> reference_ = eut::make_reference_engine();
};

TEST(SecondOrder, AtAKinkAnEngineWithoutTheTablesRulesIsJudgedByItsProfile) {
  const graph::Graph g = relu_square({0.5, 0.0, 1.2});
  eut::SemanticsProfile left;
  left.ops[&op_relu].kink_side = eut::KinkSide::left;
  ProfiledReference stating_left(left);
  expect_outcomes(check_second_order(stating_left, g, {}), Outcome::agree, 1);
  eut::SemanticsProfile right = left;
  right.ops[&op_relu].kink_side = eut::KinkSide::right;
  ProfiledReference stating_right(right);
  const std::vector<Finding> other = check_second_order(stating_right, g, {});
  expect_outcomes(other, Outcome::inconclusive, 1);
  EXPECT_TRUE(mentions(other[0], "may take another piece")) << other[0].detail;
  // A profile that states nothing there (TF's): no rule, inconclusive as before.
  ProfiledReference silent(eut::tf_profile());
  const std::vector<Finding> f = check_second_order(silent, g, {});
  expect_outcomes(f, Outcome::inconclusive, 1);
  EXPECT_TRUE(mentions(f[0], "every direction crosses a kink")) << f[0].detail;
}

// An engine whose stop_recording pauses every tape (torch's no_grad: Recording::one_graph):
// the reference with each stop_recording block nested in one for every other tape.
class OneGraphReference final : public eut::EngineUnderTest {
 public:
  OneGraphReference() { profile_.recording = eut::Recording::one_graph; }
  std::string name() const override { return "one-graph-reference"; }
  const eut::SemanticsProfile& semantics() const override { return profile_; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    graph::Graph paused = g;
    graph::rewrite(paused.body, [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
      const auto* block = std::get_if<graph::StopRecording>(&s.node);
      if (!block) return out.push_back(std::move(s));
      const std::string own = block->tape;
      graph::Statement every = std::move(s);
      for (const graph::TapeDecl& t : g.tapes)
        if (t.name != own) every = stop_recording(t.name, {std::move(every)});
      out.push_back(std::move(every));
    });
    return reference_->run(paused, in);
  }

 private:
  eut::SemanticsProfile profile_ = eut::tf_profile();
  std::unique_ptr<eut::EngineUnderTest> reference_ = eut::make_reference_engine();
};

// c = z² inside `stop_recording t`, under an outer tape: with TF's tapes the outer one records
// c, with one graph no tape does, and d(Σ g)/dz is 0 (g = dΣ(x·c)/dx = c). The differences
// of the engine's gradient must hold c as the outer tape does (libtorch false alarm:
// findings/lt/stoprec_so.tcg, 0 against 0.60).
TEST(SecondOrder, ValuesAStopRecordingHidesFromEveryTapeAreHeldAsTheOuterTapeHoldsThem) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, -1.5}), variable("%z", Shape{2}, {2, 0.25})};
  g.tapes = {tape("outer"), tape("t")};
  g.body = {record("outer", {record("t", {stop_recording("t", {op("%c", "mul", {"%z", "%z"})}),
                                          op("%p", "mul", {"%x", "%c"}), op("%s", "reduce_sum", {"%p"}, axes({}))}),
                             gradient({"%g"}, "t", "%s", {"%x"}), op("%a", "atan", {"%s"}),
                             op("%gs", "reduce_sum", {"%g"}, axes({})), op("%q", "add", {"%a", "%gs"})}),
            gradient({"%hx", "%hz"}, "outer", "%q", {"%x", "%z"})};
  OneGraphReference one_graph;
  const eut::RunResult run = one_graph.run(g, {});
  ASSERT_FALSE(run.error);
  ASSERT_EQ(run.gradients.size(), 2u);
  ASSERT_FALSE(run.gradients[1].values[1]);  // d q/dz: None, no tape saw c depend on z
  // The outer gradient statement's products, differentiated through the inner one.
  const std::vector<Finding> f = check_second_order(one_graph, g, {}, 1);
  ASSERT_EQ(f.size(), 2u);
  for (const Finding& x : f) EXPECT_EQ(x.outcome, Outcome::agree) << x.source << ": " << x.detail;
  // The reference, whose outer tape records c, agrees by its own semantics.
  auto reference = eut::make_reference_engine();
  for (const Finding& x : check_second_order(*reference, g, {}, 1))
    EXPECT_EQ(x.outcome, Outcome::agree) << x.source << ": " << x.detail;
}

// abs(x)² at 0: both sides of φ have slope 2 for the kink element, the nested tapes give
// 2·sign(0)² = 0 — abs'(0) = 0 is the mean of the sides' slopes, and a mean squared is no
// side's: no one-sided difference stands for it, the kink stays inconclusive.
TEST(SecondOrder, AtAKinkWhoseRuleIsAMeanSecondOrderStaysInconclusive) {
  const graph::Graph g = unary_square("abs", {0.5, 0.0, 1.2});
  expect_hvp(g, {{{2, 0, 0}, {0, 0, 0}, {0, 0, 2}}});
  const std::vector<Finding> f = check(g);
  expect_outcomes(f, Outcome::inconclusive, 1);
  EXPECT_TRUE(mentions(f[0], "no one side's piece")) << f[0].detail;
}

// relu(x)·(x + 1) at 0 under relu_boundary_included: its gradient at the point is the piece
// above the kink (1) while the table's side tends to 0. A one-sided difference from that
// value grows like 1/h; its garbage is not compared: inconclusive, never an agreement.
TEST(SecondOrder, AtAKinkAGradientThatJumpsOnTheRulesSideIsNotJudged) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {0.5, 0.0, 1.2}), constant("%one", Shape{}, {1})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%r", "relu", {"%x"}), op("%x1", "add", {"%x", "%one"}), op("%y", "mul", {"%r", "%x1"})}),
            gradient({"%gx"}, "t", "%y", {"%x"})};
  expect_outcomes(check(g), Outcome::agree, 1);
  const std::unique_ptr<eut::EngineUnderTest> mutant = relu_boundary_included();
  const std::vector<Finding> f = check_second_order(*mutant, g, {});
  expect_outcomes(f, Outcome::inconclusive, 1);
  EXPECT_TRUE(mentions(f[0], "not continuous from the side")) << f[0].detail;
}

// An integer source is not applicable; an intermediate one (%e) is overridden from its
// statement on and checked (below: SecondOrderIntermediateSources).
TEST(SecondOrder, IntegerSourcesAreNotApplicableIntermediateOnesAreChecked) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.5}), constant("%k", Shape{}, {2}, DType::i32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {watch("t", {"%k"}), op("%e", "exp", {"%x"}), op("%y", "mul", {"%e", "%e"})}),
            gradient({"%ge", "%gk", "%gx"}, "t", "%y", {"%e", "%k", "%x"})};
  const std::vector<Finding> f = check(g);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].outcome, Outcome::agree) << f[0].detail;
  EXPECT_EQ(f[1].outcome, Outcome::not_applicable);
  EXPECT_EQ(f[2].outcome, Outcome::agree) << f[2].detail;
}

// stop_gradient: the tapes hold sg(w) constant, so must the differences (S7's graph):
// d/dw <g, u> through g_v = 2 v sg(eʷ) is None for the tape and zero for the differences.
TEST(SecondOrder, StopGradientValuesAreHeldAtTheBasePoint) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{3}, {0.2, -0.4, 1}), variable("%v", Shape{3}, {1.5, -2, 0.3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%e", "exp", {"%w"}), op("%sg", "stop_gradient", {"%e"}), op("%v2", "mul", {"%v", "%v"}),
                         op("%s", "mul", {"%sg", "%v2"}), op("%loss", "reduce_sum", {"%s"})}),
            gradient({"%gw", "%gv"}, "t", "%loss", {"%w", "%v"})};
  expect_outcomes(check(g), Outcome::agree, 2);

  // Inside a loop body it cannot be hoisted: inconclusive, not a false mismatch.
  graph::Graph l;
  l.inputs = {variable("%w", Shape{}, {0.2}), constant("%i0", Shape{}, {0}), constant("%n", Shape{}, {2}),
              constant("%one", Shape{}, {1})};
  l.tapes = {tape("t")};
  l.body = {record("t", {while_loop({"%wf", "%if"}, {"%w", "%i0"}, {"%wp", "%ip"}, {op("%c", "less", {"%ip", "%n"})},
                                    "%c",
                                    {op("%sg", "stop_gradient", {"%wp"}), op("%wn", "mul", {"%wp", "%sg"}),
                                     op("%in", "add", {"%ip", "%one"})},
                                    {"%wn", "%in"})}),
            gradient({"%gw"}, "t", "%wf", {"%w"})};
  expect_outcomes(check(l), Outcome::inconclusive, 1);
}

// The reference engine with its nested-tape results tampered with.
class FaultySecondOrder final : public eut::EngineUnderTest {
 public:
  enum class Fault { scale, drop };
  explicit FaultySecondOrder(Fault f) : fault_(f) {}
  std::string name() const override { return "faulty-second-order"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    eut::RunResult r = eut::make_reference_engine()->run(g, in);
    if (g.tapes.size() == 2 && r.gradients.size() == 2)  // the nested program: hvp is #1
      for (auto& v : r.gradients[1].values) {
        if (!v) continue;
        if (fault_ == Fault::drop) {
          v.reset();  // a lost second-order path: None where H u is not zero
        } else {
          for (double& x : v->data) x *= 1.001;
        }
      }
    return r;
  }

 private:
  Fault fault_;
};

// The reference engine, counting its runs (each stencil point of the differences is one).
class CountingEngine final : public eut::EngineUnderTest {
 public:
  std::string name() const override { return "counting"; }
  eut::Capabilities capabilities() const override { return reference_->capabilities(); }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    ++runs;
    return reference_->run(g, in);
  }
  int runs = 0;

 private:
  std::unique_ptr<eut::EngineUnderTest> reference_ = eut::make_reference_engine();
};

// The screens settle a direction in 2 or 4 runs where Ridders' tableaux take dozens — a curved
// Hessian (cube: screen 1) and a vanishing one (a linear loss: screen 2) — and every verdict
// is the one the tableaux give.
TEST(SecondOrder, TheScreensSettleDirectionsInAFewRunsWithTheSameVerdicts) {
  graph::Graph linear;
  linear.inputs = {variable("%x", Shape{2}, {0.5, 1}), constant("%c", Shape{2}, {3, -2})};
  linear.tapes = {tape("t")};
  linear.body = {record("t", {op("%y", "mul", {"%x", "%c"})}), gradient({"%gx"}, "t", "%y", {"%x"})};
  // On relu's kink the screen is one-sided: 3 runs per direction.
  for (const graph::Graph& g : {cube(), linear, relu_square({0.5, 0.0, 1.2})}) {
    SecondOrderOptions screened, tableaux;
    tableaux.screen = false;
    CountingEngine a, b;
    const std::vector<Finding> fa = check_second_order(a, g, {}, 0, screened);
    const std::vector<Finding> fb = check_second_order(b, g, {}, 0, tableaux);
    ASSERT_EQ(fa.size(), 1u);
    ASSERT_EQ(fb.size(), 1u);
    EXPECT_EQ(fa[0].outcome, Outcome::agree) << fa[0].detail;
    EXPECT_EQ(fb[0].outcome, Outcome::agree) << fb[0].detail;
    EXPECT_LE(a.runs, 5 + 2 * 6) << "5 fixed runs (nested tapes, the base point, two noise probes), 2 or 6 per direction";
    EXPECT_GE(b.runs, 3 * a.runs) << "the tableaux alone";
  }
}

// A Hessian off by a relative 1e-4 (a derivative with a slip in its 4th digit) is past the
// screen's resolution: the tableaux decide, and they say mismatch.
TEST(SecondOrder, ASmallSecondOrderErrorIsNotScreenedAway) {
  class OffBy1e4 final : public eut::EngineUnderTest {
   public:
    std::string name() const override { return "off-by-1e-4"; }
    eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
      eut::RunResult r = eut::make_reference_engine()->run(g, in);
      if (g.tapes.size() == 2 && r.gradients.size() == 2)
        for (auto& v : r.gradients[1].values)
          if (v)
            for (double& x : v->data) x *= 1 + 1e-4;
      return r;
    }
  } engine;
  const std::vector<Finding> f = check_second_order(engine, cube(), {});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::mismatch) << f[0].detail;
}

// x ← x·x three times in a while loop, then a cond on x's sign: x⁸, H = 56 x⁶; in f32 the
// engine's allowance is f32's while the differences run on the f64-promoted program.
TEST(SecondOrder, ThroughWhileAndCondInF64AndF32) {
  for (const DType d : {DType::f64, DType::f32}) {
    SCOPED_TRACE(std::string(dtype_name(d)));
    graph::Graph g;
    g.inputs = {variable("%x", Shape{}, {1.1}, true, d), constant("%i0", Shape{}, {0}),
                constant("%n", Shape{}, {3}), constant("%one", Shape{}, {1}), constant("%zero", Shape{}, {0}, d)};
    g.tapes = {tape("t")};
    g.body = {
        record("t", {while_loop({"%xf", "%if"}, {"%x", "%i0"}, {"%xp", "%ip"}, {op("%c", "less", {"%ip", "%n"})},
                                "%c", {op("%xn", "mul", {"%xp", "%xp"}), op("%in", "add", {"%ip", "%one"})},
                                {"%xn", "%in"}),
                     op("%pos", "greater", {"%x", "%zero"}),
                     cond({"%y"}, "%pos", {op("%a", "neg", {"%xf"})}, {"%a"}, {op("%b", "exp", {"%xf"})}, {"%b"})}),
        gradient({"%gx"}, "t", "%y", {"%x"})};
    if (d == DType::f64) expect_hvp(g, {{{-56 * std::pow(1.1, 6)}}});
    expect_outcomes(check(g), Outcome::agree, 1);
    FaultySecondOrder faulty(FaultySecondOrder::Fault::scale);
    const std::vector<Finding> f = check_second_order(faulty, g, {});
    EXPECT_EQ(f.at(0).outcome, Outcome::mismatch) << f[0].detail;
  }
}

// An f32 value the sources move only across a kink: clip(x1 = 0) at lo = 0.9 is 0.899999976
// in f32 and 0.9 in the f64-promoted program the differences run on. At z = atan's argument
// ≈ 7.5e-5, H = -2z/(1+z²)² ≈ -1.5e-4 and H' ≈ -2: the two programs' Hessians differ by a
// relative 3e-4, the effect of f32 rounding of an intermediate, not an engine error
// (docs/properties.md, item 8; P6 on seed 54).
TEST(SecondOrder, F32RoundingOfIntermediatesIsNotAMismatch) {
  OpAttrs clip;
  clip.lo = 0.9;
  clip.hi = 2.5;
  OpAttrs to_f64;
  to_f64.dtype = DType::f64;
  graph::Graph g;
  g.inputs = {variable("%x0", Shape{}, {1.430075}), variable("%x1", Shape{}, {0}, true, DType::f32),
              constant("%k", Shape{}, {-3.33}), variable("%v", Shape{}, {1})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%c", "clip_by_value", {"%x1"}, clip), op("%c64", "cast", {"%c"}, to_f64),
                         op("%s1", "add", {"%c64", "%x0"}), op("%s2", "add", {"%s1", "%v"}),
                         op("%z", "add", {"%s2", "%k"}), op("%y", "atan", {"%z"})}),
            gradient({"%g1", "%g2"}, "t", "%y", {"%x1", "%v"})};
  const std::vector<Finding> f = check(g);
  ASSERT_EQ(f.size(), 2u);
  for (const Finding& x : f) EXPECT_NE(x.outcome, Outcome::mismatch) << x.source << ": " << x.detail;
  EXPECT_EQ(f[1].outcome, Outcome::agree) << f[1].detail;
  FaultySecondOrder faulty(FaultySecondOrder::Fault::scale);
  EXPECT_EQ(check_second_order(faulty, g, {}).at(1).outcome, Outcome::mismatch);
}

TEST(SecondOrder, InjectedSecondOrderFaultsAreMismatches) {
  for (const auto fault : {FaultySecondOrder::Fault::scale, FaultySecondOrder::Fault::drop}) {
    FaultySecondOrder engine(fault);
    const std::vector<Finding> f = check_second_order(engine, cube(), {});
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].outcome, Outcome::mismatch) << f[0].detail;
  }
}

// torch 1.13's cumprod backward away from exact zeros (docs/libtorch.md, seed 8 #588):
// dx_j = (Σ_{i ≥ j} g_i y_i) / x_j, written with engine ops so that an outer tape
// differentiates it. Its first derivative is accurate to u relative; its second derivative is
// a difference of two terms ~Π_{k≠j} x_k / x_j that cancel, so next to a factor of 3e-17 the
// nested tapes' product carries ~u · 1e17 of rounding, though the Hessian of Σ w·cumprod(x) is
// a polynomial's. Rank-1 operands, axis -1, neither exclusive nor reverse: all the test uses.
void cumprod_vjp_dividing_by_x(const VjpArgs& a, std::optional<Tensor>* g) {
  g[0] = div(cumsum(mul(a.grad, a.output), -1, false, true), a.inputs[0]);
}

std::unique_ptr<eut::EngineUnderTest> cumprod_dividing_by_its_factors() {
  RuleSet rules;
  rules.replace(op_cumprod).vjp = &cumprod_vjp_dividing_by_x;
  return eut::make_reference_engine(std::move(rules), "cumprod_dividing_by_its_factors");
}

graph::Graph weighted_cumprod(double middle) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {1.5, middle, 0.7}), constant("%w", Shape{3}, {0.3, -1.1, 0.8})};
  g.tapes = {tape("t")};
  OpAttrs along_last;
  along_last.axis = -1;
  g.body = {record("t", {op("%y", "cumprod", {"%x"}, along_last), op("%yw", "mul", {"%y", "%w"}),
                         op("%l", "reduce_sum", {"%yw"})}),
            gradient({"%gx"}, "t", "%l", {"%x"})};
  return g;
}

TEST(SecondOrder, AnAlgorithmsAmplifiedRoundingIsNotExcusedWhereTheFunctionHasNone) {
  const std::unique_ptr<eut::EngineUnderTest> dividing = cumprod_dividing_by_its_factors();
  // Away from the small factor the formula is fine: the excuse is not a general tightening.
  expect_outcomes(check_second_order(*dividing, weighted_cumprod(0.45), {}), Outcome::agree, 1);
  // Next to it the engine's product moves by ~10 between points 4u apart; the reference's
  // (products of the other factors, no division) by ~1e-16. Excused, that move would have
  // admitted the product's whole error.
  const std::vector<Finding> f = check_second_order(*dividing, weighted_cumprod(3e-17), {});
  expect_outcomes(f, Outcome::mismatch, 1);
  expect_outcomes(check(weighted_cumprod(3e-17)), Outcome::agree, 1);
}

}  // namespace
}  // namespace tc::oracles

namespace tc::oracles {
namespace {

// corpus/graphs/second_order.tcg: %dx = d Σ sin(x)/dx taken inside `record outer`, then
// %ddx = d Σ dx / dx by the outer tape. Statement 1 reads %dx, the result of an earlier
// gradient(): the programs keep the graph's tapes so the engine computes %dx, and the
// oracle's tapes differentiate through that computation. The loss of statement 1 is
// L = Σ dx = Σ cos(x): its gradient -sin(x), its Hessian diag(-cos(x)).
graph::Graph gradient_of_a_gradient() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {-0.4, 0.9, 2.0})};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {record("outer", {record("inner", {op("%y", "sin", {"%x"}), op("%l", "reduce_sum", {"%y"})}),
                             gradient({"%dx"}, "inner", "%l", {"%x"}), op("%sdx", "reduce_sum", {"%dx"})}),
            gradient({"%ddx"}, "outer", "%sdx", {"%x"})};
  return g;
}

TEST(SecondOrder, AGradientOfAGradientRunsTheNestedTapeProgram) {
  const graph::Graph g = gradient_of_a_gradient();
  const HvpProgram prog = make_hvp_program(g, 1);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  EXPECT_TRUE(prog.through_earlier_gradient);
  EXPECT_EQ(prog.earlier_gradients, 1);
  const eut::RunResult r = eut::make_reference_engine()->run(prog.nested, {});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 3u);  // %dx, the oracle's g, its H u
  const std::vector<double> x = {-0.4, 0.9, 2.0};
  const std::vector<double>& u = prog.u.at("%x");
  ASSERT_TRUE(r.gradients[2].values[0]);
  for (std::size_t k = 0; k < x.size(); ++k)
    EXPECT_NEAR(r.gradients[2].values[0]->data[k], -std::cos(x[k]) * u[k], 1e-12) << k;
  const std::vector<Finding> f = check(g);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::agree) << f[0].detail;
  EXPECT_GT(f[0].entries_checked, 0);
  // Statement 0 does not read an earlier gradient: tape statements stripped, as before.
  EXPECT_FALSE(make_hvp_program(g, 0).through_earlier_gradient);
}

// The reference engine with the products of a nested program through an earlier gradient
// (four tapes: the graph's two and the oracle's two) scaled by 1.001.
class FaultyThirdOrder final : public eut::EngineUnderTest {
 public:
  std::string name() const override { return "faulty-third-order"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    eut::RunResult r = eut::make_reference_engine()->run(g, in);
    if (g.tapes.size() == 4 && !r.gradients.empty())
      for (auto& v : r.gradients.back().values)
        if (v)
          for (double& x : v->data) x *= 1.001;
    return r;
  }
};

TEST(SecondOrder, AFaultThroughAnEarlierGradientIsAMismatch) {
  FaultyThirdOrder engine;
  const std::vector<Finding> f = check_second_order(engine, gradient_of_a_gradient(), {}, 1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::mismatch) << f[0].detail;
}

// gradient_of_a_gradient() in f32.
graph::Graph f32_gradient_of_a_gradient() {
  graph::Graph g = gradient_of_a_gradient();
  g.inputs[0].dtype = DType::f32;
  return g;
}

// The reference engine with the products of a nested program through an earlier gradient
// scaled by `factor` where the program computes in f32 only: its f64-promoted copy is right.
class FaultyF32ThirdOrder final : public eut::EngineUnderTest {
 public:
  explicit FaultyF32ThirdOrder(double factor) : factor_(factor) {}
  std::string name() const override { return "faulty-f32-third-order"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    eut::RunResult r = eut::make_reference_engine()->run(g, in);
    const bool f32 = std::any_of(g.inputs.begin(), g.inputs.end(), [](const graph::Input& i) { return i.dtype == DType::f32; });
    if (g.tapes.size() == 4 && f32 && !r.gradients.empty())
      for (auto& v : r.gradients.back().values)
        if (v)
          for (double& x : v->data) x *= factor_;
    return r;
  }

 private:
  double factor_;
};

TEST(SecondOrder, ThroughAnEarlierGradientInF32TheProductIsJudgedInItsF64CopyAndAgainstIt) {
  // Correct: agrees. Every fault that does not depend on the dtype shows in the f64-promoted
  // nested tapes, judged against the differences: 1.001 is a mismatch.
  const graph::Graph g = f32_gradient_of_a_gradient();
  const std::vector<Finding> ok = check(g);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].outcome, Outcome::agree) << ok[0].detail;
  FaultyThirdOrder both;
  EXPECT_EQ(check_second_order(both, g, {}, 1).at(0).outcome, Outcome::mismatch);
  // An f32-only fault is judged against the f64 product within the rounding of the largest
  // value the nested program holds (~1e-5 here): 1% is a mismatch; 1e-7 is within rounding.
  FaultyF32ThirdOrder f32_only(1.01);
  EXPECT_EQ(check_second_order(f32_only, g, {}, 1).at(0).outcome, Outcome::mismatch);
  FaultyF32ThirdOrder rounding(1 + 1e-7);
  EXPECT_EQ(check_second_order(rounding, g, {}, 1).at(0).outcome, Outcome::agree);
}

// The reference engine with the products of a plain nested program (two tapes) scaled by
// `factor` where it computes in f32, and by `everywhere` in either dtype.
class FaultyF32SecondOrder final : public eut::EngineUnderTest {
 public:
  FaultyF32SecondOrder(double factor, double everywhere) : factor_(factor), everywhere_(everywhere) {}
  std::string name() const override { return "faulty-f32-second-order"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    eut::RunResult r = eut::make_reference_engine()->run(g, in);
    const bool f32 = std::any_of(g.inputs.begin(), g.inputs.end(), [](const graph::Input& i) { return i.dtype == DType::f32; });
    if (g.tapes.size() == 2 && r.gradients.size() == 2)
      for (auto& v : r.gradients.back().values)
        if (v)
          for (double& x : v->data) x *= everywhere_ * (f32 ? factor_ : 1.0);
    return r;
  }

 private:
  double factor_, everywhere_;
};

// In f32 a plain product is judged in the same two parts (soak graphs 104718, 115451: the
// engine's double backward cancels or absorbs in f32 where the oracle cannot trace it).
TEST(SecondOrder, InF32TheProductIsJudgedInItsF64CopyAndAgainstIt) {
  const graph::Graph g = unary_square("tanh", {0.3, -1.2}, DType::f32);
  const std::vector<Finding> ok = check(g);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].outcome, Outcome::agree) << ok[0].detail;
  FaultyF32SecondOrder both(1.0, 1.001);  // a fault in either dtype: the f64 copy shows it
  EXPECT_EQ(check_second_order(both, g, {}).at(0).outcome, Outcome::mismatch);
  FaultyF32SecondOrder f32_only(1.01, 1.0);  // far above the f32 rounding of values ~1
  EXPECT_EQ(check_second_order(f32_only, g, {}).at(0).outcome, Outcome::mismatch);
  FaultyF32SecondOrder rounding(1 + 1e-7, 1.0);
  EXPECT_EQ(check_second_order(rounding, g, {}).at(0).outcome, Outcome::agree);
}

// The reference engine with every gradient it computes in f32 scaled by `factor`: the
// first-order gradient and the nested program's g and product alike, as a smooth rounding
// inside the f32 VJPs would move them (soak graphs 86186, 167671).
class SmoothF32Drift final : public eut::EngineUnderTest {
 public:
  explicit SmoothF32Drift(double factor) : factor_(factor) {}
  std::string name() const override { return "smooth-f32-drift"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    eut::RunResult r = eut::make_reference_engine()->run(g, in);
    for (eut::GradientResult& gradient : r.gradients)
      for (auto& v : gradient.values)
        if (v && v->dtype == DType::f32)
          for (double& x : v->data) x *= factor_;
    return r;
  }

 private:
  double factor_;
};

// Beyond the f32 floor the product is judged against the differences of the engine's own f32
// gradient, taken beside the same differences of its f64-promoted gradient: a departure its
// f32 gradient's slope shows too agrees (the first-order oracles judge that gradient); one it
// does not show is a mismatch; one smaller than those differences resolve is inconclusive.
TEST(SecondOrder, AnF32ProductBeyondTheFloorIsJudgedAgainstTheEnginesOwnF32Gradient) {
  const graph::Graph g = unary_square("tanh", {0.3, -1.2}, DType::f32);
  SmoothF32Drift drift(1.001);
  const std::vector<Finding> f = check_second_order(drift, g, {});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::agree) << f[0].detail;
  EXPECT_EQ(f[0].entries_checked, 2) << f[0].detail;
  FaultyF32SecondOrder product_only(1.001, 1.0);
  EXPECT_EQ(check_second_order(product_only, g, {}).at(0).outcome, Outcome::mismatch);
  // 2e-5: one direction within the floor, the other beyond it and below what the
  // differences resolve.
  FaultyF32SecondOrder unresolved(1 + 2e-5, 1.0);
  const Finding open = check_second_order(unresolved, g, {}).at(0);
  EXPECT_NE(open.outcome, Outcome::mismatch) << open.detail;
  EXPECT_EQ(open.entries_inconclusive, 1) << open.detail;
  EXPECT_NE(open.detail.find("departs from the f64 one"), std::string::npos) << open.detail;
}

// reduce_std of three f32 values ~1e-39 (soak graph 152076): the Hessian's rows are ~1e38 at
// that spread, the differences' steps ~1e-2 see the cone from afar, and the probes' observed
// rounding makes a tolerance above the product itself. Such an agreement compared no number;
// where the differences do not resolve the point it is inconclusive, never agree.
TEST(SecondOrder, AnAgreementWhoseToleranceAdmitsTheProductNeedsDifferencesThatResolveThePoint) {
  OpAttrs all;
  all.axes = {};
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {-7.206492644944845e-39, -2.789704982777846e-40, -3.217881537641544e-39}, true,
                       DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%s", "reduce_std", {"%x"}, all)}), gradient({"%g"}, "t", "%s", {"%x"})};
  const std::vector<Finding> f = check(g);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].outcome, Outcome::agree) << f[0].detail;
  EXPECT_NE(f[0].outcome, Outcome::mismatch) << f[0].detail;
}

// batch_norm over 2 f32 elements, loss Σ w·y, then the outer tape on Σ g: Σ g ≡ 0 (batch_norm
// is shift invariant), so the product is exactly 0, and the engine's f32 nested tapes carry
// the rounding of the cancellation inside batch_norm's VJP, differentiated
// (corpus/regressions/batch_norm_f32_shift_invariant_second_order.tcg). No seed of the
// oracle's directions calls it a mismatch (seeds 1 and 2 did).
TEST(SecondOrder, TheF32ResidueOfACancellationInsideAnEarlierGradientIsNotAMismatch) {
  OpAttrs bn;
  bn.axes = {0};
  bn.epsilon = 0.001;
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.4567, 1.447}, true, DType::f32),
              constant("%w", Shape{2}, {-0.6061, -1.819}, DType::f32)};
  g.tapes = {tape("outer"), tape("t")};
  g.body = {record("outer", {record("t", {op("%y", "batch_norm", {"%x"}, bn), op("%l", "mul", {"%y", "%w"}),
                                          op("%s", "reduce_sum", {"%l"}, axes({}))}),
                             gradient({"%g"}, "t", "%s", {"%x"}), op("%gs", "reduce_sum", {"%g"}, axes({}))}),
            gradient({"%h"}, "outer", "%gs", {"%x"})};
  auto engine = eut::make_reference_engine();
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    SecondOrderOptions o;
    o.seed = seed;
    for (int statement = 0; statement < 2; ++statement)
      for (const Finding& f : check_second_order(*engine, g, {}, statement, o))
        EXPECT_NE(f.outcome, Outcome::mismatch) << "seed " << seed << ", statement " << statement << ": " << f.detail;
  }
}

// Each direction's numbers side by side: the nested tapes' wᵀ(H u) (scaled by 1.001 here)
// against the differences of the engine's gradient, with the error estimate and allowance.
TEST(SecondOrder, AMismatchCarriesItsDirectionsSideBySide) {
  FaultySecondOrder faulty(FaultySecondOrder::Fault::scale);
  const std::vector<Finding> f = check_second_order(faulty, cube(), {});
  ASSERT_EQ(f.size(), 1u);
  ASSERT_EQ(f[0].outcome, Outcome::mismatch) << f[0].detail;
  EXPECT_TRUE(f[0].evidence.directions);
  ASSERT_EQ(f[0].evidence.entries.size(), 2u);  // SecondOrderOptions::directions
  EXPECT_EQ(f[0].evidence.shape, (std::vector<std::int64_t>{2}));
  for (const EntryCheck& e : f[0].evidence.entries) {
    EXPECT_EQ(e.state, EntryCheck::State::mismatch);
    EXPECT_NEAR(e.engine, 1.001 * e.reference, 1e-9 * std::abs(e.reference));
    EXPECT_GT(e.tolerance, 0);
    EXPECT_LT(std::abs(e.engine - e.reference), std::abs(e.reference));
  }
  // An agreement keeps its entries too (the log writes them only for mismatches).
  const std::vector<Finding> ok = check(cube());
  ASSERT_EQ(ok.size(), 1u);
  ASSERT_EQ(ok[0].evidence.entries.size(), 2u);
  for (const EntryCheck& e : ok[0].evidence.entries) EXPECT_EQ(e.state, EntryCheck::State::agree);
}

// Through an earlier gradient: a stop_gradient inside the inner tape's block holds %s = x for
// both tapes, so d/dx Σ ∂(sin x · s)/∂x = d/dx Σ cos x · s = −sin x · s (not −sin x · x + cos x,
// what moving s would give); a reduce_any of a constant moves with nothing and needs no holding.
graph::Graph held_value_before_an_earlier_gradient() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {-0.4, 0.9, 2.0}), constant("%b", Shape{2}, {1, 0}, DType::boolean)};
  g.tapes = {tape("outer"), tape("inner")};
  g.body = {record("outer", {record("inner", {op("%any", "reduce_any", {"%b"}, axes({})), op("%s", "stop_gradient", {"%x"}),
                                              op("%y", "sin", {"%x"}), op("%ys", "mul", {"%y", "%s"}),
                                              op("%l", "reduce_sum", {"%ys"}, axes({}))}),
                             gradient({"%dx"}, "inner", "%l", {"%x"}), op("%sdx", "reduce_sum", {"%dx"}, axes({}))}),
            gradient({"%ddx"}, "outer", "%sdx", {"%x"})};
  return g;
}

TEST(SecondOrder, AStopGradientBeforeAnEarlierGradientIsHeldInsideItsTapeBlock) {
  const std::vector<Finding> f = check_second_order(*eut::make_reference_engine(), held_value_before_an_earlier_gradient(), {}, 1);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::agree) << f[0].detail;
  EXPECT_GT(f[0].entries_checked, 0);
  FaultyThirdOrder faulty;
  const std::vector<Finding> caught = check_second_order(faulty, held_value_before_an_earlier_gradient(), {}, 1);
  ASSERT_EQ(caught.size(), 1u);
  EXPECT_EQ(caught[0].outcome, Outcome::mismatch) << caught[0].detail;
}

// A stop_gradient in the branch a cond takes is held there (the stencil keeps the branch);
// one in the branch not taken does not run at any stencil point and stays.
TEST(SecondOrder, AStopGradientInTheTakenBranchOfACondIsHeld) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.3, 1.1}), constant("%p", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  g.body = {record("t", {cond({"%r"}, "%p",
                              {op("%s", "stop_gradient", {"%x"}), op("%e", "exp", {"%x"}), op("%a", "mul", {"%e", "%s"})},
                              {"%a"}, {op("%s2", "stop_gradient", {"%x"}), op("%b", "mul", {"%x", "%s2"})}, {"%b"}),
                         op("%l", "reduce_sum", {"%r"}, axes({}))}),
            gradient({"%gx"}, "t", "%l", {"%x"})};
  const std::vector<Finding> f = check(g);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, Outcome::agree) << f[0].detail;
  EXPECT_GT(f[0].entries_checked, 0);
  FaultySecondOrder faulty(FaultySecondOrder::Fault::scale);
  const std::vector<Finding> caught = check_second_order(faulty, g, {});
  ASSERT_EQ(caught.size(), 1u);
  EXPECT_EQ(caught[0].outcome, Outcome::mismatch) << caught[0].detail;
}

// A stop_gradient in a cond's taken branch of an f32 graph (P6, RapidCheck seed 2, reduced):
// the objective cannot hold it, so the tolerance comes from the whole graph in the engine's
// dtypes — f32's rounding, not f64's (before: 1.5e-8 relative against a tolerance of 2.3e-11,
// a mismatch on 3 of 8 oracle seeds). With the whole graph's depth its kink radius reaches the
// cond's predicate: inconclusive, which is what the oracle can honestly say here.
TEST(SecondOrder, AnF32GraphWithAStopGradientInACondIsJudgedWithF32Rounding) {
  const graph::Graph g = graph::parse_tcg(R"(graph gen
input %x0: f32[] variable uniform(-2.4, 2.4) seed=804
input %i3: i32[] constant values(0)
input %k0: f32[] constant values(-2.4)
input %k1: f32[] constant values(0.9965685606002808)
input %x12: f32[2] variable uniform(-2.4, 2.4) seed=862
input %k2: f32[] constant values(3.95)
input %k3: f32[] constant values(0.48)
input %k4: f32[] constant values(0.1)
input %og0: f32[1,1,1] constant uniform(-2.4, 2.4) seed=528
tape t
record t {
  %v0 = scatter_add %x0 %i3 axis=0 shape=[2]
  %v1 = sin %x0
  %v2 = greater_equal %x0 %k0
  %r0, %r1 = cond %v2 {
    %v6 = add %v1 %k1
    %v7 = selu %v6
    %v8 = sinh %v1
    %v10 = stop_gradient %v8
    %v11 = maximum %x12 %v7
    yield %v7, %v11
  } else {
    %v17 = div %v0 %v1
    %v20 = add %v0 %k2
    %v21 = lgamma %v20
    %v22 = mul %v17 %k3
    %v23 = add %v22 %k4
    %v24 = softmax_cross_entropy_with_logits %v23 %v17
    yield %v24, %v21
  }
  %v26 = broadcast_to %v1 shape=[1,1,1]
}
%g0 = grad t %v26 wrt %x0 output_gradients=%og0
)");
  auto engine = eut::make_reference_engine();
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    SecondOrderOptions o;
    o.seed = seed;
    const std::vector<Finding> f = check_second_order(*engine, g, {}, 0, o);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].outcome, Outcome::mismatch) << "oracle seed " << seed << ": " << f[0].detail;
  }
}

// The narrow peak (oracle_test_support.hpp) one order up: the nested tapes' H u ~4e12 is right
// (the gradient is ~1e6/δ with δ = 7.2e-4), and the differences of the gradient, all beside
// the peak, said 0 ± 2e-6 — a mismatch on this fuzz input before. Now every direction either
// agrees or is inconclusive for the reason, on every oracle seed.
TEST(SecondOrder, APeakNarrowerThanEveryStepIsNeverAMismatch) {
  const graph::Graph g = test_support::narrow_peak_graph();
  auto engine = eut::make_reference_engine();
  int unresolved = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    SecondOrderOptions o;
    o.seed = seed;
    const std::vector<Finding> f = check_second_order(*engine, g, {}, 0, o);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].outcome, Outcome::mismatch) << "oracle seed " << seed << ": " << f[0].detail;
    for (const EntryCheck& c : f[0].evidence.entries) unresolved += std::string(c.reason) == "scale";
  }
  EXPECT_GT(unresolved, 0) << "the directions the differences cannot resolve say why";
}

}  // namespace
}  // namespace tc::oracles

// Intermediate sources (oracles/intermediate_source.hpp): overridden from their statement on in
// both programs, they are checked like inputs — and an engine whose gradients are off is caught
// on them.

namespace tc::oracles {
namespace {

// A mutant engine whose every gradient() starts its backward pass from 1.01 times its seed
// (TapeRules::seed): every gradient is 1.01 times TF's, the nested tapes' product 1.01² times,
// 1 % away from the differences of the engine's own first-order gradient.
Tensor seed_times_1_01(const Tensor& target, const std::optional<Tensor>& output_gradients) {
  return mul(RuleSet().tape.seed(target, output_gradients), scalar_like(target, 1.01));
}

std::unique_ptr<eut::EngineUnderTest> gradients_scaled_by_1_01() {
  RuleSet rules;
  rules.tape.seed = &seed_times_1_01;
  return eut::make_reference_engine(std::move(rules), "gradients_scaled_by_1.01");
}

// Campaign seed 0, graph 153 (gen_138): statement 1 reads %g0, so neither the finite
// differences nor complex step nor forward mode apply to it, and its source %v1 = acos(...) is
// an intermediate value inside both tapes' blocks; its Hessian is not zero (%g0 goes through
// asin(asin(v1 + k1))). Before, no oracle compared the engine's d v30/d v1.
const char* const kCampaignGraph153 = R"(graph gen_138
input %x0: f64[1,4] variable uniform(0.79, 2.29) seed=549
input %x1: f64[] variable uniform(-2.4, 2.4) seed=266
input %k0: f64[] constant values(-1.52)
input %i4: i32[1,1] constant values(1)
input %x3: f64[1,3] variable uniform(-2.4, 2.4) seed=236
input %i5: i32[2,1] constant values(0, 0)
input %c0: f64[2,2,2] constant uniform(-0.19, 1.19) seed=136
input %i6: i32[2,1] constant values(0, 1)
input %c1: f64[2] constant uniform(-2.4, 2.4) seed=865
input %k1: f64[] constant values(-1.57)
input %x6: f32[4] variable uniform(-2.4, 2.4) seed=487
input %k2: f32[] constant values(0.24)
input %k3: f32[] constant values(-1.83)
input %w0: f64[1,4] constant uniform(-1.82, -0.38) seed=86
input %k4: f64[] constant values(9.78)
input %w1: f64[2,3] constant uniform(0.38, 1.82) seed=307
input %w2: f64[] constant uniform(-1.82, -0.38) seed=856
input %w3: f64[1,4] constant uniform(0.53, 1.79) seed=747
input %k5: f64[] constant values(-7.3)
tape outer
tape t persistent
record outer {
  record t {
    %v0 = add %x0 %k0
    %v1 = acos %v0
    %v2 = scatter_nd %i4 %x3 shape=[2,3]
    %v3 = scatter_nd %i5 %c0 shape=[3,2,2]
    %v4 = scatter_nd %i6 %c1 shape=[3]
    %v5 = add %v1 %k1
    %v6 = asin %v5
    %v7 = asin %v6
    %v8 = cumprod %x6 axis=-1 exclusive=false reverse=true
    watch t %c0
    %v9 = mul %v8 %k2
    %v10 = add %v9 %k3
    %v11 = cast %v10 dtype=f64
    %v12 = reduce_sum %v11 axes=[] keepdims=false
    %v13 = mul %v7 %w0
    %v14 = reduce_sum %v13 axes=[] keepdims=false
    %v15 = add %v12 %k4
    %v16 = add %v15 %v14
    %v17 = reduce_sum %v2 axes=[] keepdims=false
    %v18 = add %v16 %v17
    %v19 = reduce_sum %x1 axes=[] keepdims=false
    %v20 = add %v18 %v19
  }
  %g0 = grad t %v20 wrt %x0 unconnected=zero
  %v21 = reduce_variance %x1 axes=[] keepdims=false
  %v22 = roll %v2 axes=[-2,-1] shift=[-1,-2]
  %v23 = mul %v22 %w1
  %v24 = reduce_sum %v23 axes=[] keepdims=false
  %v25 = mul %v21 %w2
  %v26 = add %v24 %v25
  %v27 = mul %g0 %w3
  %v28 = reduce_sum %v27 axes=[] keepdims=false
  %v29 = add %v28 %k5
  %v30 = add %v26 %v29
}
%g1, %g2 = grad outer %v30 wrt %v1, %x0
apply_gradients %g2 to %x0 learning_rate=0.5
)";

TEST(SecondOrderIntermediateSources, AnIntermediateSourceThroughAnEarlierGradientIsCompared) {
  const graph::Graph g = graph::parse_tcg(kCampaignGraph153);
  const std::vector<Finding> s1 = check_second_order(*eut::make_reference_engine(), g, {}, 1);
  ASSERT_EQ(s1.size(), 2u);
  EXPECT_EQ(s1[0].source, "v1");
  for (const Finding& x : s1) {
    EXPECT_EQ(x.outcome, Outcome::agree) << x.source << ": " << x.detail;
    EXPECT_GT(x.entries_checked, 0) << x.source;
  }
  EXPECT_EQ(s1[0].detail.find("None"), std::string::npos) << "a non-zero product: " << s1[0].detail;
  for (const EntryCheck& e : s1[0].evidence.entries) EXPECT_GT(std::abs(e.reference), 1e-3);
}

TEST(SecondOrderIntermediateSources, GradientsScaledBy1_01AreAMismatchOnAnIntermediateSource) {
  const graph::Graph g = graph::parse_tcg(kCampaignGraph153);
  const auto mutant = gradients_scaled_by_1_01();
  const std::vector<Finding> f = check_second_order(*mutant, g, {}, 1);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].source, "v1");
  EXPECT_EQ(f[0].outcome, Outcome::mismatch) << f[0].detail;
  ASSERT_FALSE(f[0].evidence.entries.empty());
  for (const EntryCheck& e : f[0].evidence.entries)
    EXPECT_NEAR(e.engine, 1.01 * e.reference, 1e-6 * std::abs(e.reference)) << "1.01² against 1.01";
}

// A first-order statement with an intermediate source and a cond result as another: each is
// compared, and the mutant caught on each.
TEST(SecondOrderIntermediateSources, OpAndCondResultsAreComparedInAFirstOrderStatement) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.3, -1.2}), constant("%p", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%h", "sin", {"%x"}),
                         cond({"%r"}, "%p", {op("%a", "exp", {"%h"})}, {"%a"}, {op("%b", "cos", {"%h"})}, {"%b"}),
                         op("%hr", "mul", {"%h", "%r"}), op("%y", "mul", {"%hr", "%r"}),
                         op("%loss", "reduce_sum", {"%y"}, axes({}))}),
            gradient({"%gh", "%gr", "%gx"}, "t", "%loss", {"%h", "%r", "%x"})};
  const std::vector<Finding> f = check(g);
  expect_outcomes(f, Outcome::agree, 3);
  for (const Finding& x : f) EXPECT_GT(x.entries_checked, 0) << x.source;
  const std::vector<Finding> caught = check_second_order(*gradients_scaled_by_1_01(), g, {});
  expect_outcomes(caught, Outcome::mismatch, 3);
}

}  // namespace
}  // namespace tc::oracles
