// The oracles' generic evaluator against the reference engine: the same graph evaluated on
// double, c128 and Dual gives the engine's forward values, and the dual tangent equals the
// engine's JVP (computed by double backward, independently of the dual kernels).
#include "oracles/evaluate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/inputs.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT
using eut::InputValues;
using eut::Value;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

OpAttrs dtype_attr(DType d) {
  OpAttrs a;
  a.dtype = d;
  return a;
}

// A graph with a bit of everything evaluate() must see through: tape blocks, watch, a matmul,
// stop_gradient, where, a cond on data, a while loop with a float counter, a cast to integer,
// then a gradient and values after it.
graph::Graph mixed_graph() {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2, 2}, {0.5, -0.25, 0.75, 0.3}),
              constant("%x", Shape{2}, {0.8, -0.4}), constant("%b", Shape{2}, {0.1, 0.2}),
              constant("%n", Shape{}, {2}), constant("%zero", Shape{}, {0}),
              constant("%one", Shape{}, {1})};
  g.tapes = {tape("t"), tape("u")};
  g.body = {
      record("t", {
          watch("t", {"%x"}),
          op("%xr", "reshape", {"%x"}, [] { OpAttrs a; a.shape = {1, 2}; return a; }()),
          op("%h", "matmul", {"%xr", "%w"}, {}, at(3)),
          op("%hb", "add", {"%h", "%b"}),
          op("%a", "tanh", {"%hb"}),
          stop_recording("t", {op("%sa", "sin", {"%a"})}),
          op("%sg", "stop_gradient", {"%hb"}),
          op("%pe", "greater", {"%a", "%zero"}),
          op("%wh", "where", {"%pe", "%a", "%hb"}),
          op("%m", "mul", {"%sg", "%wh"}),
          op("%sum", "reduce_sum", {"%m"}),
          op("%pos", "greater", {"%sum", "%zero"}),
          cond({"%r"}, "%pos", {op("%r1", "exp", {"%a"})}, {"%r1"},
               {op("%r2", "mul", {"%a", "%a"})}, {"%r2"}),
          while_loop({"%yf", "%if"}, {"%r", "%zero"}, {"%yp", "%ip"},
                     {op("%c", "less", {"%ip", "%n"})}, "%c",
                     {op("%ys", "sin", {"%yp"}), op("%yn", "mul", {"%ys", "%yp"}),
                      op("%in", "add", {"%ip", "%one"})},
                     {"%yn", "%in"}),
          op("%relu", "relu", {"%yf"}),
          op("%ic", "cast", {"%yf"}, dtype_attr(DType::i32)),
          op("%loss", "reduce_sum", {"%relu"}),
      }),
      gradient({"%gw", "%gx"}, "t", "%loss", {"%w", "%x"}, at(20, 3)),
      op("%after", "mul", {"%loss", "%loss"}),
  };
  return g;
}

template <class S>
std::map<std::string, std::vector<S>> lift(const InputValues& v) {
  std::map<std::string, std::vector<S>> out;
  for (const auto& [name, value] : v) out[name].assign(value.data.begin(), value.data.end());
  return out;
}

std::map<std::string, std::vector<Dual>> lift_dual(const InputValues& v, const InputValues& t) {
  std::map<std::string, std::vector<Dual>> out;
  for (const auto& [name, value] : v)
    for (std::size_t i = 0; i < value.data.size(); ++i)
      out[name].emplace_back(value.data[i], t.count(name) ? t.at(name).data[i] : 0.0);
  return out;
}

void expect_near(double actual, double expected, double rel, const std::string& what) {
  EXPECT_NEAR(actual, expected, rel * (1 + std::abs(expected))) << what;
}

TEST(Evaluate, AgreesWithTheEngineForwardOnDoubleComplexAndDual) {
  const graph::Graph g = mixed_graph();
  const InputValues in = eut::materialize_inputs(g, {});
  const eut::RunResult r = eut::make_reference_engine()->run(g, in);
  ASSERT_FALSE(r.error) << r.error->message;

  const Evaluation<double> e = evaluate(g, lift<double>(in), false);
  const Evaluation<c128> ec = evaluate(g, lift<c128>(in), false);
  const Evaluation<Dual> ed = evaluate(g, lift_dual(in, {}), false);
  EXPECT_TRUE(e.values.count("%relu"));
  EXPECT_TRUE(e.values.count("%r1") || e.values.count("%r2"));
  for (const auto& [name, v] : e.values) {
    ASSERT_TRUE(r.values.count(name)) << name;
    const Value& engine = r.values.at(name);
    EXPECT_EQ(e.specs.at(name).shape, engine.shape) << name;
    EXPECT_EQ(e.specs.at(name).dtype, engine.dtype) << name;
    ASSERT_EQ(v.size(), engine.data.size()) << name;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string what = name + "[" + std::to_string(i) + "]";
      expect_near(v[i], engine.data[i], 1e-14, what);
      expect_near(ec.values.at(name)[i].real(), engine.data[i], 1e-14, what + " (c128)");
      EXPECT_EQ(ec.values.at(name)[i].imag(), 0.0) << what;
      expect_near(ed.values.at(name)[i].v, engine.data[i], 1e-14, what + " (dual)");
      EXPECT_EQ(ed.values.at(name)[i].d, 0.0) << what;
    }
  }
  // Values of both the engine run and the evaluation, the untaken branch in neither.
  EXPECT_EQ(e.values.count("%r1") + e.values.count("%r2"), 1u);
  EXPECT_EQ(r.values.count("%r1") + r.values.count("%r2"), 1u);
  EXPECT_EQ(e.values.count("%r1"), r.values.count("%r1"));
}

TEST(Evaluate, DualTangentEqualsTheEngineJvpAndTheComplexStep) {
  const graph::Graph g = mixed_graph();
  const InputValues in = eut::materialize_inputs(g, {});
  InputValues u;
  u["%w"] = Value{DType::f64, Shape{2, 2}, {0.3, -1, 0.5, 2}};
  u["%x"] = Value{DType::f64, Shape{2}, {1, 0.25}};
  const auto jvp = eut::make_reference_engine()->jvp(g, in, u);
  ASSERT_TRUE(jvp);
  const Evaluation<Dual> ed = evaluate(g, lift_dual(in, u), false);

  // Complex step along u: Im f(x + i h u) / h.
  constexpr double h = 1e-20;
  std::map<std::string, std::vector<c128>> cin = lift<c128>(in);
  for (const auto& [name, t] : u)
    for (std::size_t i = 0; i < t.data.size(); ++i) cin[name][i] += c128(0, h * t.data[i]);
  const Evaluation<c128> ec = evaluate(g, cin, false);

  std::size_t compared = 0;
  for (const auto& [name, v] : ed.values) {
    if (!is_floating(ed.specs.at(name).dtype)) continue;
    ASSERT_TRUE(jvp->count(name)) << name;
    const Value& t = jvp->at(name);
    ASSERT_EQ(t.data.size(), v.size()) << name;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string what = name + "[" + std::to_string(i) + "]";
      expect_near(v[i].d, t.data[i], 1e-12, what + " dual vs engine jvp");
      expect_near(ec.values.at(name)[i].imag() / h, v[i].d, 1e-12, what + " complex step vs dual");
    }
    ++compared;
  }
  EXPECT_GE(compared, 20u);
  EXPECT_NE(ed.values.at("%loss")[0].d, 0.0);
  EXPECT_FALSE(jvp->count("%after"));
}

TEST(Evaluate, StopsAtTheFirstGradientStatement) {
  const graph::Graph g = mixed_graph();
  const Evaluation<double> e = evaluate(g, lift<double>(eut::materialize_inputs(g, {})), false);
  ASSERT_TRUE(e.stopped_at);
  EXPECT_EQ(e.stopped_at->line, 20);
  ASSERT_NE(e.stopped_by, nullptr);
  EXPECT_EQ(e.stopped_by->target, "%loss");
  EXPECT_TRUE(e.values.count("%loss"));
  EXPECT_FALSE(e.values.count("%after"));
  EXPECT_FALSE(e.values.count("%gw"));

  graph::Graph no_gradient = g;
  no_gradient.body.resize(1);
  const Evaluation<double> f =
      evaluate(no_gradient, lift<double>(eut::materialize_inputs(g, {})), false);
  EXPECT_FALSE(f.stopped_at);
  EXPECT_EQ(f.stopped_by, nullptr);
}

TEST(Evaluator, GoesOnPastAGradientWithTheValuesGivenForItsResults) {
  graph::Graph g = mixed_graph();
  g.body.push_back(op("%rg", "relu", {"%gw"}));  // a kink after the gradient
  const auto in = lift<double>(eut::materialize_inputs(g, {}));
  Evaluator<double> ev(g);
  for (std::size_t i = 0; i < g.inputs.size(); ++i) ev.input(i) = in.at(g.inputs[i].name);
  ev.run(true);
  ASSERT_TRUE(ev.stopped_at());
  EXPECT_FALSE(ev.defined(ev.slot("%rg")));
  const std::size_t sides_before = ev.branches().sides.size();

  // %gw given, %gx a None (not listed): the run goes on; relu records its four sides.
  GradientValues given;
  given.values["%gw"] = {1.5, -2, 0.25, -0.5};
  given.specs["%gw"] = {DType::f64, Shape{2, 2}};
  ev.run(true, given);
  EXPECT_FALSE(ev.stopped_at());
  EXPECT_EQ(ev.value(ev.slot("%rg")), (std::vector<double>{1.5, 0, 0.25, 0}));
  EXPECT_TRUE(ev.defined(ev.slot("%after")));
  EXPECT_FALSE(ev.defined(ev.slot("%gx")));
  EXPECT_EQ(ev.branches().sides.size(), sides_before + 4);
  given.values["%gw"][1] = 2;  // across relu's kink: another signature
  const Branches first = ev.branches();
  ev.run(true, given);
  EXPECT_NE(ev.branches().sides, first.sides);

  // Reading the None result is the error reading it in the engine is; a plain run stops again.
  graph::Graph reads_none = g;
  reads_none.body.push_back(op("%rx", "relu", {"%gx"}));
  Evaluator<double> ev2(reads_none);
  for (std::size_t i = 0; i < g.inputs.size(); ++i) ev2.input(i) = in.at(g.inputs[i].name);
  EXPECT_THROW(ev2.run(false, given), Error);
  ev.run(false);
  EXPECT_TRUE(ev.stopped_at());
}

TEST(Evaluate, ErrorsKeepTheirTypeAndNameTheStatement) {
  graph::Graph g;
  g.inputs = {constant("%a", Shape{2, 3}, {1, 2, 3, 4, 5, 6}), constant("%b", Shape{4}, {1, 2, 3, 4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%c", "neg", {"%a"}), op("%d", "add", {"%a", "%b"}, {}, at(3, 7))}, at(1))};
  const auto in = lift<double>(eut::materialize_inputs(g, {}));
  try {
    evaluate(g, in, false);
    FAIL() << "no error";
  } catch (const ShapeError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(contains(m, "line 3, column 7")) << m;
    EXPECT_TRUE(contains(m, "%d = add")) << m;
    EXPECT_TRUE(contains(m, "[2,3]") && contains(m, "[4]")) << m;
  }
  // Without locations (a graph built in code) the statement is still named.
  std::get<graph::Record>(g.body[0].node).body[1].loc = {};
  g.body[0].loc = {};
  try {
    evaluate(g, in, false);
    FAIL() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_TRUE(contains(e.what(), "(%d = add)")) << e.what();
  }
}

TEST(Evaluate, MissingOrMisSizedInputsAreErrorsNamingTheInput) {
  graph::Graph g;
  g.inputs = {constant("%a", Shape{2}, {1, 2})};
  EXPECT_THROW(evaluate<double>(g, {}, false), Error);
  try {
    evaluate<double>(g, {{"%a", {1, 2, 3}}}, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "'a'")) << e.what();
  }
  EXPECT_NO_THROW(evaluate<double>(g, {{"a", {1, 2}}}, false));
}

TEST(Evaluate, FloatingValuesAreEvaluatedInF64IntegersRoundedAsTheEngine) {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{}, {1.0 / 3}, DType::f32)};
  g.body = {op("%y", "mul", {"%x", "%x"}), op("%i", "cast", {"%y"}, dtype_attr(DType::i32)),
            op("%z", "mul", {"%x", "%x"})};
  const Evaluation<double> e = evaluate<double>(g, {{"%x", {2.5}}}, false);
  EXPECT_EQ(e.values.at("%y")[0], 6.25);
  EXPECT_EQ(e.specs.at("%y").dtype, DType::f32);  // specs keep the graph's dtypes
  EXPECT_EQ(e.values.at("%i")[0], 6.0);           // trunc(6.25), as the engine's cast
  EXPECT_EQ(e.specs.at("%i").dtype, DType::i32);

  const Evaluation<Dual> d = evaluate<Dual>(g, {{"%x", {Dual(2.5, 1)}}}, false);
  EXPECT_EQ(d.values.at("%y")[0].d, 5.0);
  EXPECT_EQ(d.values.at("%i")[0].v, 6.0);
  EXPECT_EQ(d.values.at("%i")[0].d, 0.0);  // an integer carries no tangent

  // The engine itself rounds f32 results to float; the evaluator does not.
  const eut::RunResult r = eut::make_reference_engine()->run(g, {});
  ASSERT_FALSE(r.error) << r.error->message;
  const double x32 = static_cast<float>(1.0 / 3);
  const double exact = x32 * x32, rounded = static_cast<float>(exact);
  ASSERT_NE(exact, rounded);
  EXPECT_EQ(r.values.at("%y").data[0], rounded);
  EXPECT_EQ(evaluate<double>(g, {{"%x", {x32}}}, false).values.at("%y")[0], exact);
}

graph::Graph branchy() {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{3}, {-1, 2, 3}), constant("%p", Shape{}, {1}, DType::boolean),
              constant("%n", Shape{}, {2}), constant("%zero", Shape{}, {0}),
              constant("%one", Shape{}, {1})};
  g.body = {
      cond({"%r"}, "%p", {op("%a", "relu", {"%x"})}, {"%a"}, {op("%b", "neg", {"%x"})}, {"%b"}),
      while_loop({"%if"}, {"%zero"}, {"%ip"}, {op("%c", "less", {"%ip", "%n"})}, "%c",
                 {op("%in", "add", {"%ip", "%one"})}, {"%in"}),
  };
  return g;
}

TEST(Evaluate, BranchesRecordKinksCondsAndIterationCounts) {
  const graph::Graph g = branchy();
  auto in = lift<double>(eut::materialize_inputs(g, {}));
  const Evaluation<double> base = evaluate(g, in, true);
  EXPECT_FALSE(base.branches.sides.empty());
  EXPECT_EQ(base.branches.sides.back(), 2);  // two iterations
  EXPECT_TRUE(evaluate(g, in, false).branches.sides.empty());

  // The same point again: the same signature. A point across relu's kink, a flipped
  // predicate, one more iteration: a different one.
  EXPECT_EQ(evaluate(g, in, true).branches.sides, base.branches.sides);
  auto moved = in;
  moved["%x"][0] = 1;
  EXPECT_NE(evaluate(g, moved, true).branches.sides, base.branches.sides);
  auto flipped = in;
  flipped["%p"][0] = 0;
  EXPECT_NE(evaluate(g, flipped, true).branches.sides, base.branches.sides);
  auto longer = in;
  longer["%n"][0] = 3;
  const Evaluation<double> l = evaluate(g, longer, true);
  EXPECT_EQ(l.branches.sides.back(), 3);
  EXPECT_EQ(l.values.at("%if")[0], 3.0);
}

TEST(Evaluate, WhileLoopLimitIsALimitError) {
  graph::Graph g = branchy();
  std::get<graph::While>(g.body[1].node).max_iterations = 1;
  EXPECT_THROW(evaluate(g, lift<double>(eut::materialize_inputs(g, {})), false), LimitError);
}

TEST(Evaluator, RunsRepeatedlyWithTheSameResultsAsEvaluate) {
  const graph::Graph g = branchy();
  const auto in = lift<double>(eut::materialize_inputs(g, {}));
  Evaluator<double> ev(g);
  ASSERT_EQ(ev.input_count(), g.inputs.size());
  for (std::size_t i = 0; i < g.inputs.size(); ++i) ev.input(i) = in.at(g.inputs[i].name);
  const int r = ev.slot("%r"), a = ev.slot("%a"), b = ev.slot("%b");
  ASSERT_GE(r, 0);
  EXPECT_EQ(ev.slot("%nowhere"), -1);
  EXPECT_FALSE(ev.defined(r));  // nothing ran yet

  ev.run(true);
  EXPECT_TRUE(ev.defined(a));
  EXPECT_FALSE(ev.defined(b));
  EXPECT_EQ(ev.value(r), (std::vector<double>{0, 2, 3}));
  const Evaluation<double> e = ev.evaluation();
  const Evaluation<double> ref = evaluate(g, in, true);
  EXPECT_EQ(e.values, ref.values);
  EXPECT_EQ(e.branches.sides, ref.branches.sides);

  // Flip the predicate: the other branch's values are defined, the first branch's are not.
  ev.input(1) = {0};
  ev.run(false);
  EXPECT_FALSE(ev.defined(a));
  EXPECT_TRUE(ev.defined(b));
  EXPECT_EQ(ev.value(r), (std::vector<double>{1, -2, -3}));
  EXPECT_TRUE(ev.branches().sides.empty());

  // i32/bool inputs are rounded as the engine rounds them.
  ev.input(1) = {0.5};
  ev.run(false);
  EXPECT_EQ(ev.input(1)[0], 1.0);
  EXPECT_TRUE(ev.defined(a));

  ev.input(0) = {1, 2};
  EXPECT_THROW(ev.run(false), Error);
}

TEST(Evaluator, AnOperandNamedAsItsResultIsStillComputedFromTheOldValue) {
  // Not SSA (the validator rejects it), but the evaluator must not read a buffer it writes.
  graph::Graph g;
  g.inputs = {constant("%x", Shape{3}, {1, 2, 3})};
  g.body = {op("%y", "exp", {"%x"}), op("%y", "mul", {"%y", "%x"})};
  const Evaluation<double> e = evaluate(g, lift<double>(eut::materialize_inputs(g, {})), false);
  EXPECT_DOUBLE_EQ(e.values.at("%y")[2], 3 * std::exp(3.0));
}

}  // namespace
}  // namespace tc::oracles
