// oracles/intermediate_source.hpp: which intermediate values can be overridden from their
// statement on, and the rewrite that does it (shared by the objective and the second-order
// programs).
#include "oracles/intermediate_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "graph/tcg.hpp"
#include "graph/walk.hpp"
#include "oracles/evaluate.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

const graph::Graph& rules_graph() {
  static const graph::Graph g = graph::parse_tcg(R"(graph rules
input %x: f64[2] variable values(0.3, -1.2)
input %n: i32[] constant values(0)
input %p: bool[] constant values(true)
tape t
record t {
  %a = sin %x
  stop_recording t {
    %b = exp %x
  }
  %i = cast %a dtype=i32
  %r = cond %p {
    %c = cos %x
    yield %c
  } else {
    %d = neg %x
    yield %d
  }
  %same = cond %p {
    yield %x
  } else {
    %e = neg %x
    yield %e
  }
  %t0, %t1 = cond %p {
    %f = tanh %x
    yield %f, %f
  } else {
    %h = neg %x
    yield %h, %x
  }
  %w0, %w1 = while %n, %a max_iterations=2 (%q0, %q1) {
    %k = less %q0 %n
    yield %k
  } do {
    %m = mul %q1 %q1
    yield %q0, %m
  }
  %y = reduce_sum %a axes=[] keepdims=false
}
%g = grad t %y wrt %a
)");
  return g;
}

TEST(IntermediateSource, OpResultsAndFreshCondResultsAreDefinedInLine) {
  // (A parsed graph's names are without the % of the text.)
  const graph::Block& body = rules_graph().body;
  for (const char* v : {"a", "b", "i", "r", "y"}) EXPECT_TRUE(defined_in_line(body, v)) << v;
}

TEST(IntermediateSource, ValuesWithoutOnePlaceInStraightLineOrderAreNot) {
  const graph::Block& body = rules_graph().body;
  // Inside a branch or a loop body; a cond passing an outer value through; one tensor yielded
  // as two results; a while_loop's results; an input; a name the block never defines.
  for (const char* v : {"c", "m", "same", "t0", "t1", "w0", "w1", "x", "nowhere"})
    EXPECT_FALSE(defined_in_line(body, v)) << v;
  EXPECT_NE(not_overridable("%w1").find("%w1 is an intermediate value"), std::string::npos);
}

// A cond whose one branch computes its result and whose other passes an outer value through:
// at a point where the computing branch is taken the result is that fresh tensor (graph 132 of
// seed 58698 was unverified for want of this), where the other is taken it is the outer one.
TEST(IntermediateSource, ACondResultIsDefinedInLineWhereTheTakenBranchComputesIt) {
  for (const bool p : {true, false}) {
    const graph::Graph g = graph::parse_tcg(std::string(R"(graph taken
input %x: f64[2] variable values(0.3, -1.2)
input %p: bool[] constant values()") + (p ? "true" : "false") + R"()
tape t
record t {
  %r = cond %p {
    %c = cos %x
    yield %c
  } else {
    yield %x
  }
  %y = reduce_sum %r axes=[] keepdims=false
}
%g = grad t %y wrt %r
)");
    const Evaluation<double> ev = evaluate<double>(g, {{"x", {0.3, -1.2}}, {"p", {p ? 1.0 : 0.0}}}, false);
    ASSERT_EQ(ev.then_taken.size(), 1u);
    EXPECT_FALSE(defined_in_line(g.body, "r")) << "without the point, either branch may run";
    EXPECT_EQ(defined_in_line(g.body, "r", &ev.then_taken), p) << "then taken: " << p;
  }
}

// A while_loop whose body computes its first result and passes its second through: after one
// trip or more the first result is the last trip's fresh tensor, after none it is the initial
// value; the second is the initial value whatever the trips (graph 110 of seed 58698 was
// unverified for want of this).
TEST(IntermediateSource, AWhileResultIsDefinedInLineWhereTheLoopRanAndItsBodyComputesIt) {
  for (const int n : {0, 1, 3}) {
    const graph::Graph g = graph::parse_tcg(R"(graph trips
input %x: f64[2] variable values(0.3, -1.2)
input %n: f64[] constant values()" + std::to_string(n) + R"()
input %one: f64[] constant values(1)
input %zero: f64[] constant values(0)
tape t
record t {
  %w0, %w1, %w2 = while %n, %x, %x max_iterations=8 (%p0, %p1, %p2) {
    %more = greater %p0 %zero
    yield %more
  } do {
    %left = sub %p0 %one
    %c = cos %p1
    yield %left, %c, %p2
  }
  %s = add %w1 %w2
  %y = reduce_sum %s axes=[] keepdims=false
}
%g1, %g2 = grad t %y wrt %w1, %w2
)");
    const Evaluation<double> ev = evaluate<double>(g, {{"x", {0.3, -1.2}}, {"n", {double(n)}}, {"one", {1.0}}, {"zero", {0.0}}}, false);
    ASSERT_EQ(ev.trips.size(), 1u);
    EXPECT_EQ(ev.trips.begin()->second, n);
    EXPECT_FALSE(defined_in_line(g.body, "w1", &ev.then_taken)) << "without the trips, the loop may not run";
    EXPECT_EQ(defined_in_line(g.body, "w1", &ev.then_taken, &ev.trips), n > 0) << n << " trips";
    EXPECT_FALSE(defined_in_line(g.body, "w2", &ev.then_taken, &ev.trips)) << "passed through, " << n << " trips";
  }
}

// After the rewrite v's statement defines computed, moved = computed + v follows it, and every
// later use — an op, a watch, a gradient() statement, inside any block — reads moved.
TEST(IntermediateSource, OverridingRenamesTheDefinitionAndEveryLaterUse) {
  graph::Block b = {record("t", {op("%v", "sin", {"%x"}), watch("t", {"%v"}),
                                 cond({"%r"}, "%p", {op("%a", "exp", {"%v"})}, {"%a"}, {}, {"%v"}),
                                 op("%y", "mul", {"%v", "%r"})}),
                    gradient({"%g"}, "t", "%y", {"%v", "%x"}, {}, std::string("%v"))};
  override_from_definition(b, "%v");
  const std::string moved = moved_name("%v");
  const graph::Block& rec = std::get<graph::Record>(b[0].node).body;
  ASSERT_EQ(rec.size(), 5u);
  const auto& computed = std::get<graph::OpStmt>(rec[0].node);
  EXPECT_NE(computed.result, "%v");
  const auto& add = std::get<graph::OpStmt>(rec[1].node);
  EXPECT_EQ(add.result, moved);
  EXPECT_EQ(add.operands, (std::vector<std::string>{computed.result, "%v"}));
  EXPECT_EQ(std::get<graph::Watch>(rec[2].node).values, (std::vector<std::string>{moved}));
  const auto& c = std::get<graph::Cond>(rec[3].node);
  EXPECT_EQ(std::get<graph::OpStmt>(c.then_body[0].node).operands, (std::vector<std::string>{moved}));
  EXPECT_EQ(c.else_yield, (std::vector<std::string>{moved}));
  EXPECT_EQ(std::get<graph::OpStmt>(rec[4].node).operands, (std::vector<std::string>{moved, "%r"}));
  const auto& g = std::get<graph::Gradient>(b[1].node);
  EXPECT_EQ(g.sources, (std::vector<std::string>{moved, "%x"}));
  EXPECT_EQ(g.output_gradients, moved);
  // The only reader of the name %v left is the add: %v is now the caller's input.
  int reads = 0;
  graph::walk(b, [&](const graph::Statement& s, const graph::Place&) {
    graph::for_each_use(s, [&](const std::string& n) { reads += n == "%v"; });
  });
  EXPECT_EQ(reads, 1);
}

// With the input v at zero the rewritten graph computes what the original did; moving the
// input moves v's uses, not v's own inputs.
TEST(IntermediateSource, TheOverriddenGraphIsTheOriginalAtZeroAndMovesOnlyFromTheStatement) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%v", "sin", {"%x"}), op("%y", "mul", {"%v", "%x"})}),
            gradient({"%g"}, "t", "%y", {"%v"})};
  graph::Graph o = g;
  override_from_definition(o.body, "%v");
  const graph::Input in = override_input("%v", {DType::f64, Shape{}});
  EXPECT_EQ(in.init.values, (std::vector<double>{0}));
  EXPECT_EQ(in.kind, graph::InputKind::constant);
  o.inputs.push_back(in);
  const double original = evaluate<double>(g, {{"%x", {0.4}}}, false).values.at("%y")[0];
  EXPECT_EQ(evaluate<double>(o, {{"%x", {0.4}}, {"%v", {0}}}, false).values.at("%y")[0], original);
  EXPECT_DOUBLE_EQ(evaluate<double>(o, {{"%x", {0.4}}, {"%v", {0.5}}}, false).values.at("%y")[0],
                   (std::sin(0.4) + 0.5) * 0.4);
}

}  // namespace
}  // namespace tc::oracles
