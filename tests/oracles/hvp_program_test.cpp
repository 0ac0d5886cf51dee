// oracles/hvp_program.hpp: the programs of the second-order oracle for statements whose
// sources are intermediate values — overridden from their statement on in both programs, so
// that the nested tapes' product for such a source and the differences of the first-order
// gradient at moved values of it are the same number (worked by hand below).
#include "oracles/hvp_program.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/tcg.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

constexpr double kX = 0.7;

bool has_input(const graph::Graph& g, const std::string& name) {
  return std::any_of(g.inputs.begin(), g.inputs.end(), [&](const graph::Input& in) { return in.name == name; });
}

// L = v² · x with v = sin(x) an intermediate source. TF's gradient with respect to v holds x
// fixed, the one with respect to x goes through v too: with v' = sin(x) + ε (ε the override)
//   g_v = 2 v' x,   g_x = 2 v' cos(x) x + v'²,
//   H_vv = 2x,  H_vx = H_xv = 2x cos(x) + 2 v',
//   H_xx = 2x cos²(x) − 2x v' sin(x) + 4 v' cos(x).
graph::Graph square_times_x() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {kX})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%v", "sin", {"%x"}), op("%v2", "mul", {"%v", "%v"}), op("%y", "mul", {"%v2", "%x"})}),
            gradient({"%gv", "%gx"}, "t", "%y", {"%v", "%x"})};
  return g;
}

TEST(HvpProgram, AnIntermediateSourceIsAnInputOfBothProgramsZeroAtTheBasePoint) {
  const HvpProgram prog = make_hvp_program(square_times_x(), 0);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  EXPECT_EQ(prog.why_not, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(prog.sources, (std::vector<std::string>{"%v", "%x"}));
  ASSERT_EQ(prog.overrides.size(), 1u);
  EXPECT_EQ(prog.overrides[0].name, "%v");
  EXPECT_EQ(prog.overrides[0].init.values, (std::vector<double>{0}));
  for (const graph::Graph* p : {&prog.nested, &prog.nested_f64, &prog.first_order, &prog.first_order_native})
    EXPECT_TRUE(has_input(*p, "%v"));
}

TEST(HvpProgram, TheNestedTapesGiveTheHessianWithTheIntermediateSourceAsTheVariable) {
  const HvpProgram prog = make_hvp_program(square_times_x(), 0);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  const eut::RunResult r = eut::make_reference_engine()->run(prog.nested, {});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 2u);
  const double v = std::sin(kX), c = std::cos(kX);
  const double uv = prog.u.at("%v")[0], ux = prog.u.at("%x")[0];
  const double hvv = 2 * kX, hvx = 2 * kX * c + 2 * v, hxx = 2 * kX * c * c - 2 * kX * v * v + 4 * v * c;
  ASSERT_TRUE(r.gradients[1].values[0] && r.gradients[1].values[1]);
  EXPECT_NEAR(r.gradients[1].values[0]->data[0], hvv * uv + hvx * ux, 1e-12);
  EXPECT_NEAR(r.gradients[1].values[1]->data[0], hvx * uv + hxx * ux, 1e-12);
}

// The first-order program at a moved override: v moves from its statement on, x keeps its
// path through v.
TEST(HvpProgram, TheFirstOrderProgramMovesTheValueFromItsStatementOn) {
  const HvpProgram prog = make_hvp_program(square_times_x(), 0);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  const double eps = 0.25;
  eut::InputValues at;
  at["%v"] = eut::Value{DType::f64, Shape{}, {eps}};
  const eut::RunResult r = eut::make_reference_engine()->run(prog.first_order, at);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 1u);
  const double v = std::sin(kX) + eps;
  EXPECT_NEAR(r.gradients[0].values[0]->data[0], 2 * v * kX, 1e-12);
  EXPECT_NEAR(r.gradients[0].values[1]->data[0], 2 * v * std::cos(kX) * kX + v * v, 1e-12);
}

// Through an earlier gradient (statement 1 reads %gx): z = gx · v with gx = d v²/dx = 2 v cos x
// taken by the inner tape. The outer gradient with respect to v counts its paths into z
// through gx's backward pass too: g_v = 4 v' cos x, g_x = 4 v' cos² x − 2 v'² sin x, so
//   H_vv = 4 cos x,   H_vx = 4 cos² x − 4 v' sin x.
graph::Graph through_an_earlier_gradient() {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {kX})};
  g.tapes = {tape("outer"), tape("t")};
  g.body = {record("outer", {record("t", {op("%v", "sin", {"%x"}), op("%y", "mul", {"%v", "%v"})}),
                             gradient({"%gx"}, "t", "%y", {"%x"}), op("%z", "mul", {"%gx", "%v"})}),
            gradient({"%gzv", "%gzx"}, "outer", "%z", {"%v", "%x"})};
  return g;
}

TEST(HvpProgram, ThroughAnEarlierGradientTheOverrideReachesItsBackwardPass) {
  const HvpProgram prog = make_hvp_program(through_an_earlier_gradient(), 1);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  EXPECT_TRUE(prog.through_earlier_gradient);
  EXPECT_EQ(prog.sources, (std::vector<std::string>{"%v", "%x"}));
  const eut::RunResult r = eut::make_reference_engine()->run(prog.nested, {});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 3u);  // %gx, the oracle's g, its H u
  const double v = std::sin(kX), c = std::cos(kX);
  const double uv = prog.u.at("%v")[0], ux = prog.u.at("%x")[0];
  ASSERT_TRUE(r.gradients[1].values[0]);
  EXPECT_NEAR(r.gradients[1].values[0]->data[0], 4 * v * c, 1e-12);
  ASSERT_TRUE(r.gradients[2].values[0]);
  EXPECT_NEAR(r.gradients[2].values[0]->data[0], 4 * c * uv + (4 * c * c - 4 * v * v) * ux, 1e-12);
}

// An earlier gradient with respect to the source itself: gv = d v²/dv = 2 v is taken with
// respect to the moved value (its paths from v's statement on), so z = gv · v = 2 v'² and
// g_v = 4 v', H_vv = 4.
TEST(HvpProgram, AnEarlierGradientWithRespectToTheSourceIsTakenWithRespectToTheMovedValue) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {kX})};
  g.tapes = {tape("outer"), tape("t")};
  g.body = {record("outer", {record("t", {op("%v", "sin", {"%x"}), op("%y", "mul", {"%v", "%v"})}),
                             gradient({"%gv"}, "t", "%y", {"%v"}), op("%z", "mul", {"%gv", "%v"})}),
            gradient({"%gzv"}, "outer", "%z", {"%v"})};
  const HvpProgram prog = make_hvp_program(g, 1);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  const eut::RunResult r = eut::make_reference_engine()->run(prog.nested, {});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), 3u);
  ASSERT_TRUE(r.gradients[0].values[0]);
  EXPECT_NEAR(r.gradients[0].values[0]->data[0], 2 * std::sin(kX), 1e-12);  // the graph's %gv
  ASSERT_TRUE(r.gradients[1].values[0] && r.gradients[2].values[0]);
  EXPECT_NEAR(r.gradients[1].values[0]->data[0], 4 * std::sin(kX), 1e-12);
  EXPECT_NEAR(r.gradients[2].values[0]->data[0], 4 * prog.u.at("%v")[0], 1e-12);
}

// The objective's rules (intermediate_source_test.cpp has them all): a while_loop's result, a
// value a cond passes through, and one defined only after the statement cannot be overridden;
// an integer value has no gradient. The statement's other sources are still checked.
TEST(HvpProgram, ValuesTheObjectiveCannotOverrideAreNotApplicableHereToo) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x: f64[2] variable values(0.3, -1.2)
input %n: i32[] constant values(0)
input %p: bool[] constant values(true)
tape t
record t {
  %w0, %w1 = while %n, %x max_iterations=2 (%q0, %q1) {
    %k = less %q0 %n
    yield %k
  } do {
    %m = mul %q1 %q1
    yield %q0, %m
  }
  %same = cond %p {
    yield %x
  } else {
    %e = neg %x
    yield %e
  }
  %i = cast %x dtype=i32
  %a = mul %w1 %same
  %y = reduce_sum %a axes=[] keepdims=false
}
%g0, %g1, %g2, %g3, %g4 = grad t %y wrt %w1, %same, %i, %x, %a
)");
  const HvpProgram prog = make_hvp_program(g, 0);
  ASSERT_TRUE(prog.not_applicable.empty()) << prog.not_applicable;
  ASSERT_EQ(prog.why_not.size(), 5u);
  for (int k : {0, 1}) EXPECT_NE(prog.why_not[k].find("cannot be overridden"), std::string::npos) << prog.why_not[k];
  EXPECT_NE(prog.why_not[2].find("no gradient (R3)"), std::string::npos) << prog.why_not[2];
  EXPECT_EQ(prog.why_not[3], "");
  EXPECT_EQ(prog.why_not[4], "");
  EXPECT_EQ(prog.sources, (std::vector<std::string>{"x", "a"}));  // parsed: no %

  // Only after the statement: nothing of it can be checked.
  graph::Graph late;
  late.inputs = {variable("%x", Shape{}, {kX})};
  late.tapes = {tape("t")};
  late.body = {record("t", {op("%y", "sin", {"%x"})}), gradient({"%g"}, "t", "%y", {"%late"}),
               op("%late", "cos", {"%x"})};
  const HvpProgram none = make_hvp_program(late, 0);
  EXPECT_NE(none.not_applicable.find("no source"), std::string::npos) << none.not_applicable;
  EXPECT_NE(none.why_not.at(0).find("cannot be overridden"), std::string::npos) << none.why_not[0];
}

}  // namespace
}  // namespace tc::oracles
