// The scalar function behind a Gradient statement: f = Σ v·T at the base point, the values
// the tape treats as constants frozen, statement numbering and the not-applicable cases.
#include "oracles/objective.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "eut/semantics_profile.hpp"
#include "graph/tcg.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(Objective, ValueIsTheCotangentWeightedTargetSum) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{3}, {0.2, -0.4, 1.0}), constant("%v", Shape{3}, {2.0, 3.0, -1.0})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "sin", {"%x"})}), gradient({"%g"}, "t", "%y", {"%x"}, {}, std::string("%v"))};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  const double expect = 2 * std::sin(0.2) + 3 * std::sin(-0.4) - std::sin(1.0);
  EXPECT_NEAR(o.value, expect, 1e-15);
  EXPECT_NEAR(o.magnitude, 2 * std::sin(0.2) + 3 * std::sin(0.4) + std::sin(1.0), 1e-15);
  EXPECT_EQ(o.cotangent, (std::vector<double>{2.0, 3.0, -1.0}));
  ASSERT_EQ(o.sources.size(), 1u);
  EXPECT_TRUE(o.sources[0].why_not.empty());
  EXPECT_EQ(o.sources[0].spec.shape, Shape{3});
  EXPECT_TRUE(o.frozen.empty());
  EXPECT_EQ(o.tolerance.engine_unit, unit_roundoff(DType::f64));
  EXPECT_EQ(o.tolerance.depth, 1);

  // Dual numbers with tangent e_1 give v·J e_1 = 3 cos(-0.4).
  auto in = lift<Dual>(o);
  in.at("%x")[1].d = 1;
  EXPECT_NEAR(evaluate_objective<Dual>(o, in, false).value.d, 3 * std::cos(-0.4), 1e-15);
}

TEST(Objective, FreezesWhatTheTapeTreatsAsConstant) {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2}, {0.3, 0.6}), variable("%w", Shape{2}, {1.0, 2.0}),
              variable("%frozen_var", Shape{2}, {1.0, 1.0}, /*trainable=*/false)};
  g.tapes = {tape("t")};
  g.body = {op("%before", "exp", {"%x"}),  // outside the tape
            record("t", {op("%unwatched", "sin", {"%x"}),  // x not yet watched
                         watch("t", {"%x"}),
                         stop_recording("t", {op("%paused", "cos", {"%x"})}),
                         op("%sg", "stop_gradient", {"%x"}),
                         op("%live", "mul", {"%x", "%w"}),           // recorded: x is watched
                         op("%nt", "mul", {"%x", "%frozen_var"}),    // recorded via x
                         op("%a", "add", {"%before", "%unwatched"}), op("%b", "add", {"%paused", "%sg"}),
                         op("%c", "add", {"%a", "%b"}), op("%d", "add", {"%c", "%live"}),
                         op("%e", "add", {"%d", "%nt"}), op("%loss", "reduce_sum", {"%e"})}),
            gradient({"%gx"}, "t", "%loss", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  EXPECT_TRUE(has(o.frozen, "%before"));
  EXPECT_TRUE(has(o.frozen, "%unwatched"));
  EXPECT_TRUE(has(o.frozen, "%paused"));
  EXPECT_TRUE(has(o.frozen, "%sg"));
  EXPECT_FALSE(has(o.frozen, "%live"));
  EXPECT_FALSE(has(o.frozen, "%nt"));
  EXPECT_FALSE(has(o.frozen, "%a"));  // constant once its operands are
  EXPECT_EQ(o.frozen.size(), 4u);
  // Frozen values are inputs of the prepared graph, at their base values.
  EXPECT_NEAR(o.base.at("%before")[1], std::exp(0.6), 1e-15);
  // f moves with x only through %live and %nt: df/dx_0 = w_0 + 1.
  auto in = lift<Dual>(o);
  in.at("%x")[0].d = 1;
  EXPECT_NEAR(evaluate_objective<Dual>(o, in, false).value.d, 2.0, 1e-15);
}

TEST(Objective, StatementsAreNumberedInExecutionOrder) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.5})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {record("t", {op("%y", "exp", {"%x"}), op("%z", "sin", {"%x"})}), gradient({"%g1"}, "t", "%y", {"%x"}),
            gradient({"%g2"}, "t", "%z", {"%x"})};
  EXPECT_EQ(count_gradient_statements(g), 2);
  const Objective first = make_objective(g, {}, 0);
  const Objective second = make_objective(g, {}, 1);
  EXPECT_NEAR(first.value, std::exp(0.5), 1e-15);
  EXPECT_NEAR(second.value, std::sin(0.5), 1e-15);
  EXPECT_EQ(second.gradient, 1);
  EXPECT_EQ(second.statement.target, "%z");
  EXPECT_FALSE(make_objective(g, {}, 2).not_applicable.empty());
}

TEST(PreparedObjectives, HoldEachStatementsObjectiveAndReuseTheirRunners) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, -1.5})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {record("t", {op("%y", "exp", {"%x"}), op("%z", "sin", {"%x"})}), gradient({"%g1"}, "t", "%y", {"%x"}),
            gradient({"%g2"}, "t", "%z", {"%x"})};
  const PreparedObjectives prepared(g, {});
  ASSERT_EQ(prepared.count(), count_gradient_statements(g));
  for (int k = 0; k < prepared.count(); ++k) {
    const Objective expect = make_objective(g, {}, k);
    const Objective& o = prepared.objective(k);
    EXPECT_EQ(o.statement.target, expect.statement.target);
    EXPECT_EQ(o.value, expect.value);
    EXPECT_EQ(o.base, expect.base);
  }
  EXPECT_THROW(prepared.objective(2), std::out_of_range);

  // A runner given back is the one leased next (compiled once); moved and restored, it runs f
  // at the base point again.
  const ObjectiveRunner<double>* first = nullptr;
  {
    const RunnerLease<double> lease = prepared.runner<double>(1);
    first = &*lease;
    lease->source(0)[0] += 0.25;
    EXPECT_NE(lease->run(false), prepared.objective(1).value);
    lease->restore(0);
  }
  const RunnerLease<double> again = prepared.runner<double>(1);
  EXPECT_EQ(&*again, first);
  EXPECT_EQ(again->run(false), prepared.objective(1).value);
  // Two leases at once are two runners; each scalar type has its own.
  const RunnerLease<double> other = prepared.runner<double>(1);
  EXPECT_NE(&*other, first);
  const RunnerLease<Dual> dual = prepared.runner<Dual>(1);
  EXPECT_EQ(dual->run(false).v, prepared.objective(1).value);
}

TEST(Objective, NotApplicableCasesSayWhy) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, 1.5}), constant("%i", Shape{2}, {1, 2}, DType::i32)};
  g.tapes = {tape("t"), tape("outer")};
  g.body = {record("outer", {record("t", {op("%h", "exp", {"%x"}), op("%loss", "reduce_sum", {"%h"})}),
                             gradient({"%gx", "%gh", "%gi"}, "t", "%loss", {"%x", "%h", "%i"}),
                             op("%s", "reduce_sum", {"%gx"})}),
            gradient({"%gg"}, "outer", "%s", {"%x"})};
  const Objective first = make_objective(g, {}, 0);
  ASSERT_TRUE(first.not_applicable.empty()) << first.not_applicable;
  EXPECT_TRUE(first.sources[0].why_not.empty());
  EXPECT_TRUE(first.sources[1].why_not.empty()) << first.sources[1].why_not;  // %h: overridden from its statement on
  EXPECT_NE(first.sources[2].why_not.find("i32"), std::string::npos);
  const Objective second = make_objective(g, {}, 1);
  EXPECT_NE(second.not_applicable.find("second order"), std::string::npos) << second.not_applicable;
}

// R7: with unconnected=zero an unwatched constant's gradient is zeros although f depends on
// it (d/dc Σ c·w = w). No numerical oracle may compare those zeros with w; a connected source
// of the same statement, and the same source in NONE mode (the engine's None), are unaffected.
TEST(Objective, ZeroFilledSourcesAreNotComparedWithTheDerivative) {
  graph::Graph g;
  g.inputs = {constant("%c", Shape{2}, {0.5, -1}), variable("%w", Shape{2}, {1, 2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%c", "%w"}), op("%l", "reduce_sum", {"%y"})}),
            gradient({"%gc", "%gw"}, "t", "%l", {"%c", "%w"}, {}, std::nullopt, graph::Unconnected::zero)};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  EXPECT_NE(o.sources[0].why_not.find("R7"), std::string::npos) << o.sources[0].why_not;
  EXPECT_NE(o.sources[0].why_not.find("not watched"), std::string::npos) << o.sources[0].why_not;
  EXPECT_TRUE(o.sources[1].why_not.empty()) << o.sources[1].why_not;

  std::get<graph::Gradient>(g.body[1].node).unconnected = graph::Unconnected::none;
  const Objective none_mode = make_objective(g, {}, 0);
  EXPECT_TRUE(none_mode.sources[0].why_not.empty()) << none_mode.sources[0].why_not;
}

// A while_loop that runs zero times returns its initial tensor itself, so watching %x after
// the loop watches %y too: reduce_sum(%y) is recorded and must not be frozen (the engine and
// the connectivity oracle give d%l/d%x = [1, 1]). With one trip %y = sin(%x) is a new
// tensor computed inside the loop before the watch: a constant to the tape that cannot be held
// fixed inside the loop, so the statement is not applicable.
TEST(Objective, WatchingAFreshlyBoundTensorWatchesItsEarlierNames) {
  for (const double trips : {0.0, 1.0}) {
    graph::Graph g;
    g.inputs = {constant("%x", Shape{2}, {0.5, 1}), constant("%n", Shape{}, {trips}), constant("%zero", Shape{}, {0}),
                constant("%one", Shape{}, {1})};
    g.tapes = {tape("t")};
    g.body = {record("t", {while_loop({"%i", "%y"}, {"%n", "%x"}, {"%p", "%q"},
                                      {op("%go", "greater", {"%p", "%zero"})}, "%go",
                                      {op("%p1", "sub", {"%p", "%one"}), op("%q1", "sin", {"%q"})}, {"%p1", "%q1"}),
                           watch("t", {"%x"}), op("%l", "reduce_sum", {"%y"})}),
              gradient({"%g"}, "t", "%l", {"%x"})};
    const Objective o = make_objective(g, {}, 0);
    if (trips == 0.0) {
      ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
      EXPECT_FALSE(has(o.frozen, "%l"));
    } else {
      EXPECT_NE(o.not_applicable.find("%q1 = sin"), std::string::npos) << o.not_applicable;
    }
  }
}

// The same with a variable on a tape that does not watch accessed variables: watch(%x)
// watches the variable's value tensor, which the zero-trip loop returned (found by P1, P3, P4
// on seed 57: the engine's 1 against FD's 0).
TEST(Objective, WatchingAVariableWatchesItsValueTensorReturnedByALoop) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.5}), constant("%go", Shape{}, {0}, DType::boolean)};
  g.tapes = {tape("t", false, /*watch_accessed_variables=*/false)};
  g.body = {record("t", {while_loop({"%y"}, {"%x"}, {"%p"}, {}, "%go", {}, {"%p"}), watch("t", {"%x"}),
                         op("%l", "sin", {"%y"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  EXPECT_FALSE(has(o.frozen, "%l"));
}

TEST(Objective, ToleranceFactsAndComplexEligibility) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, 1.5}, true, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%t", "tan", {"%x"}), op("%e", "erf", {"%t"}), op("%loss", "reduce_sum", {"%e"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  EXPECT_EQ(o.tolerance.engine_unit, unit_roundoff(DType::f32));
  EXPECT_EQ(o.tolerance.oracle_unit, unit_roundoff(DType::f64));  // promoted
  EXPECT_EQ(o.tolerance.depth, 3);
  EXPECT_EQ(o.tolerance.op_factor, 10.0);  // tan
  EXPECT_EQ(o.complex_ineligible, "erf");
}

}  // namespace
}  // namespace tc::oracles

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

// A source that is an intermediate value v is overridden from its statement on: f moves v with
// v's own inputs fixed (d loss/d h = c·h·2 + 0 here, not through x), and the other sources'
// function is unchanged (d loss/d x still goes through h).
TEST(Objective, AnIntermediateSourceIsMovedFromItsStatementOn) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.3, -1.2}), constant("%c", Shape{2}, {1.5, 2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%h", "sin", {"%x"}), op("%k", "mul", {"%h", "%c"}), op("%j", "mul", {"%k", "%h"}),
                         op("%y", "add", {"%j", "%x"}), op("%loss", "reduce_sum", {"%y"})}),
            gradient({"%gh", "%gx"}, "t", "%loss", {"%h", "%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  EXPECT_TRUE(o.sources[0].why_not.empty()) << o.sources[0].why_not;
  EXPECT_EQ(o.base.at("%h"), (std::vector<double>{0, 0}));  // the offset, zero at the base point
  std::map<std::string, std::vector<double>> at = o.base;
  const double t = 1e-6;
  at["%h"] = {t, 0};
  const double moved_h = evaluate_objective<double>(o, at, false).value;
  // d loss/d h_0 = 2 c_0 h_0 with h_0 = sin(0.3).
  EXPECT_NEAR((moved_h - o.value) / t, 2 * 1.5 * std::sin(0.3), 1e-5);
  at = o.base;
  at["%x"] = {0.3 + t, -1.2};
  const double moved_x = evaluate_objective<double>(o, at, false).value;
  // d loss/d x_0 = 2 c_0 sin(x_0) cos(x_0) + 1: still through h.
  EXPECT_NEAR((moved_x - o.value) / t, 2 * 1.5 * std::sin(0.3) * std::cos(0.3) + 1, 1e-5);
}

// The target is itself the intermediate source: d h/d h = 1 through the offset, and h still
// moves with x (d h/d x = cos x), read from its moved copy.
TEST(Objective, ATargetThatIsAnIntermediateSourceMovesWithBoth) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {0.4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%h", "sin", {"%x"})}), gradient({"%gh", "%gx"}, "t", "%h", {"%h", "%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  EXPECT_NE(o.target_value, "%h");
  const double t = 1e-6;
  std::map<std::string, std::vector<double>> at = o.base;
  at["%h"] = {t};
  EXPECT_NEAR((evaluate_objective<double>(o, at, false).value - o.value) / t, 1.0, 1e-6);
  at = o.base;
  at["%x"] = {0.4 + t};
  EXPECT_NEAR((evaluate_objective<double>(o, at, false).value - o.value) / t, std::cos(0.4), 1e-5);
}

// An intermediate source read again while the tape is not recording: that use is a constant
// to the tape (d loss/d h = 1 here, TF's answer), so f holds it at its base value too — moving
// it would give 1 + exp(h).
TEST(Objective, AnIntermediateSourceReadOffTheTapeIsHeldThere) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {0.5}), constant("%c", Shape{}, {0.7})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%h", "mul", {"%w", "%c"}), stop_recording("t", {op("%z", "exp", {"%h"})}),
                         op("%loss", "add", {"%z", "%h"})}),
            gradient({"%gh"}, "t", "%loss", {"%h"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ASSERT_TRUE(o.sources[0].why_not.empty()) << o.sources[0].why_not;
  EXPECT_TRUE(has(o.frozen, "%z"));
  std::map<std::string, std::vector<double>> at = o.base;
  const double t = 1e-6;
  at["%h"] = {t};
  EXPECT_NEAR((evaluate_objective<double>(o, at, false).value - o.value) / t, 1.0, 1e-6);
}

// A cond's or while_loop's result as the source is moved right after its statement: the
// branch (or loop) computes it, every later use reads it plus the offset.
TEST(Objective, AControlFlowResultAsSourceIsMovedAfterItsStatement) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.3, -1.2}), constant("%p", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  g.body = {record("t", {cond({"%r"}, "%p", {op("%a", "sin", {"%x"})}, {"%a"}, {op("%b", "cos", {"%x"})}, {"%b"}),
                         op("%r2", "mul", {"%r", "%r"}), op("%y", "add", {"%r2", "%x"}),
                         op("%loss", "reduce_sum", {"%y"}, axes({}))}),
            gradient({"%gr", "%gx"}, "t", "%loss", {"%r", "%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ASSERT_TRUE(o.sources[0].why_not.empty()) << o.sources[0].why_not;
  const double t = 1e-6;
  std::map<std::string, std::vector<double>> at = o.base;
  at["%r"] = {t, 0};
  // d loss/d r_0 = 2 r_0 with r_0 = sin(0.3) (the then branch ran).
  EXPECT_NEAR((evaluate_objective<double>(o, at, false).value - o.value) / t, 2 * std::sin(0.3), 1e-5);
  at = o.base;
  at["%x"] = {0.3 + t, -1.2};
  EXPECT_NEAR((evaluate_objective<double>(o, at, false).value - o.value) / t,
              2 * std::sin(0.3) * std::cos(0.3) + 1, 1e-5);
}

// A result that is the very tensor the statement was given is not moved alone: a cond branch
// yielding an outer value, a while_loop (zero iterations, or a loop variable the body yields
// unchanged, hand back their input). Overriding it differentiated another function: d Σ v/d w
// for w = while(..., yield p) of v was judged 0 against the engine's 1 (campaign seed 0, graph
// 250). It is moved as that tensor, where it was made: here the input v5.
TEST(Objective, AResultThatIsTheTensorPassedInIsMovedAsThatTensor) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %n0: i32[] constant values(0)
input %v5: f64[1] variable values(0)
input %v7: bool[] constant values(false)
input %v10: i32[] constant values(0)
input %p: bool[] constant values(true)
tape t
record t {
  %w0, %w1 = while %n0, %v5 max_iterations=8 (%p0, %p1) {
    yield %v7
  } do {
    yield %v10, %p1
  }
  %r = cond %p {
    yield %v5
  } else {
    %b = neg %v5
    yield %b
  }
  %v16 = reduce_sum %v5 axes=[] keepdims=false
}
%g0, %g1 = grad t %v16 wrt %w1, %r
)");
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ASSERT_EQ(o.sources.size(), 2u);
  for (const ObjectiveSource& s : o.sources) {
    EXPECT_TRUE(s.why_not.empty()) << s.why_not;
    EXPECT_EQ(s.name, "v5");
  }
  EXPECT_EQ(o.statement.sources, (std::vector<std::string>{"w1", "r"})) << "findings name the statement's sources";
}

// Under torch's profile a cast to the operand's own dtype returns the operand itself (row 17):
// v is x, and a source v is moved as x — where TF's cast makes a new tensor, moved from its
// statement (the libtorch regression cast_to_its_own_dtype_is_its_operand was a false alarm).
TEST(Objective, ASourceIsBoundToItsTensorUnderTheEnginesProfile) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x: f64[2] variable values(0.7, -1.3)
tape t
record t {
  %v = cast %x dtype=f64
  %w = cast %x dtype=f32
  %y = mul %v %x
  %l = reduce_sum %y axes=[] keepdims=false
}
%g0, %g1 = grad t %l wrt %v, %w
)");
  const Objective tf = make_objective(g, {}, 0, eut::tf_profile());
  const Objective torch = make_objective(g, {}, 0, eut::torch_profile());
  ASSERT_EQ(tf.sources.size(), 2u);
  ASSERT_EQ(torch.sources.size(), 2u);
  EXPECT_EQ(tf.sources[0].name, "v");
  EXPECT_EQ(torch.sources[0].name, "x");
  EXPECT_EQ(torch.sources[1].name, "w") << "a cast to another dtype is a new tensor under either profile";
  for (const Objective* o : {&tf, &torch})
    for (const ObjectiveSource& s : o->sources) EXPECT_TRUE(s.why_not.empty()) << s.why_not;
}

// Two sources bound to one value the tape holds constant (a name listed twice, or a result
// passing its tensor on) both say so: the second was left neither overridden nor refused, and
// the differences moved the frozen value with every use of it (seed 8, graph 30724).
TEST(Objective, EverySourceBoundToAHeldValueIsNotApplicable) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x0: f64[] variable values(0.4)
input %p: bool[] constant values(true)
tape t watch_accessed_variables=false
record t {
  %v2 = cos %x0
  watch t %v2
  %r0 = cond %p {
    yield %v2
  } else {
    yield %x0
  }
  %v3 = add %r0 %v2
}
%g0, %g1, %g2, %g3 = grad t %v3 wrt %r0, %v2, %v2, %x0
)");
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ASSERT_EQ(o.sources.size(), 4u);
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(o.sources[static_cast<std::size_t>(i)].why_not.find("treats as a constant"), std::string::npos)
        << i << ": " << o.sources[static_cast<std::size_t>(i)].why_not;
}

// A branch that yields one value as two results (property P1, RapidCheck seed 2, reduced): r0
// and r1 are one tensor, so d Σr0 / d r1 is 1 for the engine; moving r1 alone said 0.
TEST(Objective, TwoResultsOfOneYieldedTensorAreNotMovedAlone) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x1: f32[1] variable values(0)
input %v0: f32[1] constant values(0)
input %v2: bool[] constant values(true)
tape t
record t {
  %r0, %r1 = cond %v2 {
    %v5 = asinh %x1
    yield %v5, %v5
  } else {
    %v13 = tile %v0 multiples=[1]
    yield %v13, %v13
  }
  %v16 = reduce_sum %r0 axes=[] keepdims=false
}
%g0 = grad t %v16 wrt %r1
)");
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ASSERT_EQ(o.sources.size(), 1u);
  EXPECT_NE(o.sources[0].why_not.find("yields as two results"), std::string::npos) << o.sources[0].why_not;
}

}  // namespace
}  // namespace tc::oracles
