// The connectivity oracle: for each rule R1–R13 and each seed scenario, a small graph whose
// prediction (None or value, reason, nearest cut) is asserted exactly AND compared with the
// reference engine's actual None set; injected faults are reported as mismatches.
#include "oracles/connectivity.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/op_rows.hpp"
#include "eut/address_space_cap.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/tcg.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

OpAttrs cast_to(DType d) {
  OpAttrs a;
  a.dtype = d;
  return a;
}

OpAttrs axis(std::int64_t k) {
  OpAttrs a;
  a.axis = k;
  return a;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// What one source's result must be.
struct Want {
  bool none = false;
  bool zero = false;  // unconnected = zero: a value of zeros
  NoneReason reason = NoneReason::no_path;
  std::optional<CutRule> rule;  // the first cut's, for reason == cut
  std::string node, op;
};
Want value() { return {}; }
Want none(NoneReason r) {
  Want w;
  w.none = true;
  w.reason = r;
  return w;
}
Want cut(CutRule rule, std::string node, std::string op) {
  Want w = none(NoneReason::cut);
  w.rule = rule;
  w.node = std::move(node);
  w.op = std::move(op);
  return w;
}
Want zeros(Want w) {
  w.zero = true;
  return w;
}

// Words of the engine's own explanation (engine/explain.cpp) for a predicted reason: the
// reference must explain a None the way the oracle predicts it.
std::string engine_words(const SourcePrediction& p) {
  switch (p.reason) {
    case NoneReason::not_watched: return "is not watched";
    case NoneReason::integer_source: return "has an integer/bool dtype";
    case NoneReason::integer_target: return "the target has an integer/bool dtype";
    case NoneReason::no_path: return "does not depend on";
    case NoneReason::cut: break;
  }
  const Cut& c = p.cuts.at(0);
  switch (c.rule) {
    case CutRule::stop_gradient: return "stop_gradient blocks the gradient";
    case CutRule::non_differentiable:
      return c.op == "cond" ? "the predicate of cond is not differentiable" : c.op + " has no gradient";
    case CutRule::integer_dtype: return "an integer/bool value carries no gradient";
    case CutRule::untaken_branch: return "did not run";
    case CutRule::outside_recording: return "while the tape was not recording";
    case CutRule::stop_recording: return "inside tape.stop_recording()";
  }
  return "?";
}

void expect_source(const SourcePrediction& p, const Want& w, const std::string& where) {
  SCOPED_TRACE(where + ": " + p.sentence("target"));
  EXPECT_EQ(p.connected, !w.none);
  EXPECT_EQ(p.zero_filled, w.zero && w.none);
  if (!w.none) return;
  EXPECT_EQ(p.reason, w.reason) << reason_words(p.reason) << " vs " << reason_words(w.reason);
  if (w.reason != NoneReason::cut) {
    EXPECT_TRUE(p.cuts.empty());
    return;
  }
  ASSERT_FALSE(p.cuts.empty());
  EXPECT_EQ(rule_words(p.cuts[0].rule), std::string(rule_words(*w.rule)));
  EXPECT_EQ(p.cuts[0].node, w.node);
  EXPECT_EQ(p.cuts[0].op, w.op);
}

// The prediction must be exactly `want`; the reference engine's None set must be the
// predicted one, its explanation the predicted reason, and check_connectivity must agree.
void expect_connectivity(const graph::Graph& g, const std::vector<std::vector<Want>>& want,
                         const eut::InputValues& in = {}) {
  const ConnectivityPrediction p = predict_connectivity(g, in);
  ASSERT_FALSE(p.error) << p.error->message;
  ASSERT_EQ(p.gradients.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(p.gradients[i].sources.size(), want[i].size()) << "gradient " << i;
    for (std::size_t k = 0; k < want[i].size(); ++k)
      expect_source(p.gradients[i].sources[k], want[i][k],
                    "gradient " + std::to_string(i) + " source " + std::to_string(k));
  }

  const eut::RunResult r = eut::make_reference_engine()->run(g, in);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.gradients.size(), want.size());
  std::size_t sources = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    for (std::size_t k = 0; k < want[i].size(); ++k, ++sources) {
      const SourcePrediction& s = p.gradients[i].sources[k];
      const bool engine_none = !r.gradients[i].values[k].has_value();
      EXPECT_EQ(engine_none, s.is_none()) << "gradient " << i << " source " << k << ": "
                                          << s.sentence(p.gradients[i].target);
      if (!s.connected && !r.gradients[i].why_none[k].empty()) {
        EXPECT_TRUE(contains(r.gradients[i].why_none[k], engine_words(s)))
            << "the engine explains: " << r.gradients[i].why_none[k]
            << "\nthe oracle predicts: " << s.sentence(p.gradients[i].target);
      }
    }
  }
  const std::vector<Finding> f = check_connectivity(g, in, r);
  EXPECT_EQ(f.size(), sources);
  for (const Finding& x : f) {
    EXPECT_EQ(x.oracle, "connectivity");
    EXPECT_EQ(x.outcome, Outcome::agree) << x.target << " / " << x.source << ": " << x.detail;
  }
}

// ---- R1 recording scope --------------------------------------------------------------------

TEST(ConnectivityR01, OpsBeforeAfterAndInsideStopRecordingAreConstants) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      op("%before", "exp", {"%w"}),
      record("t", {op("%a", "mul", {"%w", "%w"}), stop_recording("t", {op("%b", "exp", {"%w"})}),
                   op("%c", "add", {"%a", "%b"}), op("%d", "mul", {"%before", "%w"})}),
      op("%after", "mul", {"%a", "%w"}),
      gradient({"%g1"}, "t", "%c", {"%w"}),
      gradient({"%g2"}, "t", "%b", {"%w"}),
      gradient({"%g3"}, "t", "%d", {"%w"}),
      gradient({"%g4"}, "t", "%after", {"%w"}),
      gradient({"%g5"}, "t", "%before", {"%w"}),
  };
  expect_connectivity(g, {{value()},
                          {cut(CutRule::stop_recording, "%b", "exp")},
                          {value()},
                          {cut(CutRule::outside_recording, "%after", "mul")},
                          {cut(CutRule::outside_recording, "%before", "exp")}});
  // a * w outside the tape: both inputs reach w, one cut per node and rule.
  EXPECT_EQ(predict_connectivity(g, {}).gradients[3].sources[0].cuts.size(), 1u);
}

TEST(ConnectivityR01, StopRecordingOfOneTapeDoesNotPauseAnother) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {0.5})};
  g.tapes = {tape("t"), tape("u")};
  g.body = {
      record("u", {record("t", {stop_recording("t", {op("%e", "exp", {"%w"})})})}),
      gradient({"%gu"}, "u", "%e", {"%w"}),
      gradient({"%gt"}, "t", "%e", {"%w"}),
  };
  expect_connectivity(g, {{value()}, {cut(CutRule::stop_recording, "%e", "exp")}});
}

// ---- R2 watching ---------------------------------------------------------------------------

TEST(ConnectivityR02, TrainableVariablesAreWatchedByReadingOthersOnlyByWatch) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), variable("%frozen", Shape{}, {3}, /*trainable=*/false),
              variable("%told", Shape{}, {4}, /*trainable=*/false), constant("%c", Shape{}, {5}),
              constant("%cw", Shape{}, {6})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {watch("t", {"%told", "%cw"}), op("%p", "mul", {"%w", "%frozen"}),
                   op("%q", "mul", {"%told", "%c"}), op("%r", "mul", {"%cw", "%p"}),
                   op("%y", "add", {"%q", "%r"})}),
      gradient({"%a", "%b", "%e", "%f", "%h"}, "t", "%y", {"%w", "%frozen", "%told", "%c", "%cw"}),
  };
  expect_connectivity(g, {{value(), none(NoneReason::not_watched), value(),
                           none(NoneReason::not_watched), value()}});
}

TEST(ConnectivityR02, WatchAccessedVariablesFalseWatchesNothingByReading) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), variable("%v", Shape{}, {3})};
  g.tapes = {tape("t", false, /*watch_accessed_variables=*/false)};
  g.body = {
      record("t", {watch("t", {"%v"}), op("%y", "mul", {"%w", "%v"})}),
      gradient({"%gw", "%gv"}, "t", "%y", {"%w", "%v"}),
  };
  expect_connectivity(g, {{none(NoneReason::not_watched), value()}});
}

// A read outside any recording block does not watch; a read inside `record t` watches for
// t from then on, even where a later use does not read the variable (the result of a
// while_loop that ran no iteration is the variable itself).
TEST(ConnectivityR02, ReadingOutsideTheTapeDoesNotWatchReadingInsideWatchesFromThenOn) {
  auto build = [](bool read_inside_first) {
    graph::Graph g;
    g.inputs = {variable("%w", Shape{}, {2}), constant("%no", Shape{}, {0}, DType::boolean)};
    g.tapes = {tape("t")};
    if (read_inside_first) g.body.push_back(record("t", {op("%z", "neg", {"%w"})}));
    // Reads w outside the tape; %p is w.
    g.body.push_back(while_loop({"%p"}, {"%w"}, {"%q"}, {}, "%no", {op("%q2", "neg", {"%q"})}, {"%q2"}));
    g.body.push_back(record("t", {op("%y", "mul", {"%p", "%p"})}));  // %p is not a variable: no read
    g.body.push_back(gradient({"%g"}, "t", "%y", {"%w"}));
    return g;
  };
  expect_connectivity(build(false), {{none(NoneReason::not_watched)}});
  expect_connectivity(build(true), {{value()}});
}

TEST(ConnectivityR02, AVariableReadBeforeTheTapeIsCutThere) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {0.3})};
  g.tapes = {tape("t")};
  g.body = {
      op("%h", "exp", {"%w"}),
      record("t", {watch("t", {"%h"}), op("%y", "mul", {"%h", "%h"})}),
      gradient({"%gh", "%gw"}, "t", "%y", {"%h", "%w"}),
  };
  expect_connectivity(g, {{value(), cut(CutRule::outside_recording, "%h", "exp")}});
}

// ---- R3 dtypes -----------------------------------------------------------------------------

TEST(ConnectivityR03, IntegerSourcesTargetsAndValuesCarryNoGradient) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{3}, {0.3, 1.7, -0.9}),
              constant("%k", Shape{3}, {1, 2, 3}, DType::i32),
              variable("%vi", Shape{}, {4}, true, DType::i32),
              variable("%w32", Shape{3}, {1, 2, 3}, true, DType::f32)};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      record("t", {watch("t", {"%k"}),  // R3: a warning, no effect
                   op("%kf", "cast", {"%k"}, cast_to(DType::f64)), op("%vf", "cast", {"%vi"}, cast_to(DType::f64)),
                   op("%y", "mul", {"%kf", "%w"}), op("%s", "reduce_sum", {"%y"}),
                   op("%sv", "mul", {"%s", "%vf"}),
                   op("%i", "argmax", {"%w"}, axis(0)),
                   op("%wi", "cast", {"%w"}, cast_to(DType::i32)), op("%wf", "cast", {"%wi"}, cast_to(DType::f64)),
                   op("%lost", "reduce_sum", {"%wf"}),
                   op("%w64", "cast", {"%w32"}, cast_to(DType::f64)), op("%kept", "reduce_sum", {"%w64"})}),
      gradient({"%gk", "%gw"}, "t", "%s", {"%k", "%w"}),
      gradient({"%gvi"}, "t", "%sv", {"%vi"}),
      gradient({"%gi"}, "t", "%i", {"%w"}),
      gradient({"%gl"}, "t", "%lost", {"%w"}),
      gradient({"%g32"}, "t", "%kept", {"%w32"}),
  };
  expect_connectivity(g, {{none(NoneReason::integer_source), value()},
                          {none(NoneReason::integer_source)},
                          {none(NoneReason::integer_target)},
                          {cut(CutRule::integer_dtype, "%wf", "cast")},
                          {value()}});
}

// ---- R4 ops that cut the edge --------------------------------------------------------------

TEST(ConnectivityR04, NonDifferentiableOpsCutTheEdgeNearestTheTarget) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{3}, {0.3, 1.7, -0.9}), constant("%zero", Shape{3}, {0, 0, 0}),
              constant("%a", Shape{3}, {1, 2, 3}), constant("%b", Shape{3}, {4, 5, 6}),
              constant("%table", Shape{4}, {10, 20, 30, 40})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      record("t", {op("%r", "round", {"%w"}), op("%fl", "floor", {"%w"}), op("%ce", "ceil", {"%w"}),
                   op("%lt", "less", {"%w", "%zero"}),
                   op("%sel", "where", {"%lt", "%a", "%b"}),
                   op("%nt", "logical_not", {"%lt"}), op("%ntf", "cast", {"%nt"}, cast_to(DType::f64)),
                   op("%sg", "stop_gradient", {"%w"}),
                   op("%wa", "abs", {"%w"}), op("%idx", "cast", {"%wa"}, cast_to(DType::i32)),
                   op("%ga", "gather", {"%table", "%idx"}, axis(0)),
                   op("%both", "where", {"%lt", "%w", "%b"})}),
      gradient({"%g1", "%g2", "%g3"}, "t", "%r", {"%w", "%w", "%w"}),
      gradient({"%g4"}, "t", "%fl", {"%w"}),
      gradient({"%g5"}, "t", "%ce", {"%w"}),
      gradient({"%g6"}, "t", "%sel", {"%w"}),
      gradient({"%g7"}, "t", "%ntf", {"%w"}),
      gradient({"%g8"}, "t", "%sg", {"%w"}),
      gradient({"%g9"}, "t", "%ga", {"%w"}),
      gradient({"%g10"}, "t", "%both", {"%w"}),  // one branch input passes: a value
  };
  expect_connectivity(g, {{cut(CutRule::non_differentiable, "%r", "round"),
                           cut(CutRule::non_differentiable, "%r", "round"),
                           cut(CutRule::non_differentiable, "%r", "round")},
                          {cut(CutRule::non_differentiable, "%fl", "floor")},
                          {cut(CutRule::non_differentiable, "%ce", "ceil")},
                          {cut(CutRule::non_differentiable, "%sel", "where")},
                          {cut(CutRule::integer_dtype, "%ntf", "cast")},
                          {cut(CutRule::stop_gradient, "%sg", "stop_gradient")},
                          {cut(CutRule::integer_dtype, "%ga", "gather")},
                          {value()}});
}

// ---- R5 zero is not None -------------------------------------------------------------------

TEST(ConnectivityR05, ZeroLocalDerivativesGiveValues) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {-1, -2})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      record("t", {op("%s", "sign", {"%w"}), op("%r", "relu", {"%w"}), op("%z", "mul", {"%r", "%s"})}),
      gradient({"%gs"}, "t", "%s", {"%w"}),
      gradient({"%gr"}, "t", "%r", {"%w"}),
      gradient({"%gz"}, "t", "%z", {"%w"}),
  };
  expect_connectivity(g, {{value()}, {value()}, {value()}});
}

// ---- R6 connectivity -----------------------------------------------------------------------

TEST(ConnectivityR06, OneOpenPathSufficesEveryCutPathIsNamed) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{1}, {0.5}), constant("%c", Shape{3}, {1, 2, 3})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      record("t", {op("%sg", "stop_gradient", {"%w"}), op("%r", "round", {"%w"}),
                   op("%open", "mul", {"%w", "%c"}),  // broadcast [1] x [3]
                   op("%y", "add", {"%open", "%sg"}), op("%cutboth", "add", {"%r", "%sg"})}),
      gradient({"%gy"}, "t", "%y", {"%w"}),
      gradient({"%gc"}, "t", "%cutboth", {"%w"}),
  };
  expect_connectivity(g, {{value()}, {cut(CutRule::non_differentiable, "%r", "round")}});
  const ConnectivityPrediction p = predict_connectivity(g, {});
  ASSERT_EQ(p.gradients[1].sources[0].cuts.size(), 2u);
  EXPECT_EQ(p.gradients[1].sources[0].cuts[1].op, "stop_gradient");
}

// ---- R7 unconnected = zero -----------------------------------------------------------------

TEST(ConnectivityR07, UnconnectedZeroTurnsEachNoneIntoZeros) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}), constant("%c", Shape{2, 2}, {1, 2, 3, 4}, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {op("%r", "round", {"%w"}), op("%y", "add", {"%r", "%w"})}),
      gradient({"%gw", "%gc"}, "t", "%r", {"%w", "%c"}, {}, std::nullopt, graph::Unconnected::zero),
  };
  expect_connectivity(g, {{zeros(cut(CutRule::non_differentiable, "%r", "round")),
                           zeros(none(NoneReason::no_path))}});
}

// ---- R8 targets ----------------------------------------------------------------------------

TEST(ConnectivityR08, SourceIsTargetAndIntermediateSources) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}), constant("%c", Shape{2}, {3, 4}),
              constant("%og", Shape{2}, {1, 10})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      op("%h0", "mul", {"%w", "%w"}),
      record("t", {op("%h", "mul", {"%w", "%w"}), op("%y", "exp", {"%h"}), op("%y0", "exp", {"%h0"})}),
      gradient({"%a", "%b"}, "t", "%w", {"%w", "%c"}),   // d w / d w = ones; c unwatched
      gradient({"%d"}, "t", "%y", {"%h"}, {}, "%og"),   // an intermediate, recorded
      gradient({"%e"}, "t", "%h", {"%h"}),
      gradient({"%f"}, "t", "%y0", {"%h0"}),            // computed before the tape: not tracked
  };
  expect_connectivity(g, {{value(), none(NoneReason::no_path)},
                          {value()},
                          {value()},
                          {none(NoneReason::not_watched)}});
}

// ---- R9 persistence ------------------------------------------------------------------------

graph::Graph twice(bool persistent) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2})};
  g.tapes = {tape("t", persistent)};
  g.body = {record("t", {op("%y", "mul", {"%w", "%w"})}), gradient({"%g1"}, "t", "%y", {"%w"}),
            gradient({"%g2"}, "t", "%y", {"%w"}, at(7))};
  return g;
}

TEST(ConnectivityR09, ASecondGradientOnANonPersistentTapeIsPredictedAsATapeError) {
  expect_connectivity(twice(true), {{value()}, {value()}});
  const ConnectivityPrediction p = predict_connectivity(twice(false), {});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->kind, "tape");
  EXPECT_EQ(p.error->at.line, 7);
  ASSERT_EQ(p.gradients.size(), 1u);
  const eut::RunResult r = eut::make_reference_engine()->run(twice(false), {});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, "tape");
  EXPECT_TRUE(all_agree(check_connectivity(twice(false), {}, r)));
}

// ---- R10 nested tapes ----------------------------------------------------------------------

// y = f(x) under `inner` inside `outer`; dy = inner.gradient(y, x) inside outer unless said.
graph::Graph nested(const std::vector<Statement>& forward, bool gradient_inside_outer = true) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, -1.5}), constant("%three", Shape{2}, {3, 3})};
  g.tapes = {tape("outer"), tape("inner")};
  Statement inner_grad = gradient({"%dy"}, "inner", "%y", {"%x"});
  Block outer_body{record("inner", forward)};
  if (gradient_inside_outer) outer_body.push_back(inner_grad);
  g.body = {record("outer", outer_body)};
  if (!gradient_inside_outer) g.body.push_back(inner_grad);
  g.body.push_back(gradient({"%d2y"}, "outer", "%dy", {"%x"}));
  return g;
}

TEST(ConnectivityR10, SecondOrderFollowsWhatTheInnerGradientDependsOn) {
  // x³: dy = 3x² depends on x.
  expect_connectivity(nested({op("%x2", "mul", {"%x", "%x"}), op("%y", "mul", {"%x2", "%x"})}),
                      {{value()}, {value()}});
  // The inner gradient outside the outer tape: a constant to it.
  expect_connectivity(nested({op("%x2", "mul", {"%x", "%x"}), op("%y", "mul", {"%x2", "%x"})}, false),
                      {{value()}, {cut(CutRule::outside_recording, "%dy", "add")}});
  // 3x: dy = 3 does not depend on x (TF: None, not zero).
  expect_connectivity(nested({op("%y", "mul", {"%x", "%three"})}), {{value()}, {none(NoneReason::no_path)}});
  // ... and the explanation names that cause, not a value taken out of the graph.
  const ConnectivityPrediction p = predict_connectivity(nested({op("%y", "mul", {"%x", "%three"})}), {});
  ASSERT_EQ(p.gradients.size(), 2u);
  const std::string why = p.gradients[1].sources[0].sentence("%dy");
  EXPECT_NE(why.find("only through %dy, the gradient of %y = mul for its input a"), std::string::npos) << why;
  EXPECT_NE(why.find("computed from"), std::string::npos) << why;
  // relu: dy = [x > 0], a mask of x: the second derivative is zeros, not None (R5 at every
  // order), predicted from relu's row (its VJP reads x through a mask), not from its VJP.
  expect_connectivity(nested({op("%y", "relu", {"%x"})}), {{value()}, {value()}});
}

TEST(ConnectivityR10, ThirdOrderAndAPausedOuterTape) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {1.5})};
  g.tapes = {tape("t3"), tape("t2"), tape("t1")};
  g.body = {
      record("t3", {record("t2", {record("t1", {op("%x2", "mul", {"%x", "%x"}), op("%y", "mul", {"%x2", "%x2"})}),
                                  gradient({"%d1"}, "t1", "%y", {"%x"})}),
                    gradient({"%d2"}, "t2", "%d1", {"%x"})}),
      gradient({"%d3"}, "t3", "%d2", {"%x"}),
  };
  expect_connectivity(g, {{value()}, {value()}, {value()}});

  graph::Graph p;
  p.inputs = {variable("%x", Shape{}, {1.5})};
  p.tapes = {tape("outer"), tape("inner")};
  p.body = {
      record("outer", {record("inner", {op("%y", "mul", {"%x", "%x"})}),
                       stop_recording("outer", {gradient({"%dy"}, "inner", "%y", {"%x"})})}),
      gradient({"%d2y"}, "outer", "%dy", {"%x"}),
  };
  expect_connectivity(p, {{value()}, {cut(CutRule::stop_recording, "%dy", "add")}});
}

TEST(ConnectivityR10, ATapeDoesNotRecordItsOwnGradientAndZerosAreConstants) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {1.5}), constant("%c", Shape{}, {2})};
  g.tapes = {tape("t", /*persistent=*/true), tape("outer")};
  g.body = {
      record("outer", {record("t", {op("%y", "mul", {"%x", "%x"}), gradient({"%dy"}, "t", "%y", {"%x"}),
                                    gradient({"%dc"}, "t", "%y", {"%c"}, {}, std::nullopt,
                                             graph::Unconnected::zero)})}),
      gradient({"%self"}, "t", "%dy", {"%x"}),
      gradient({"%z"}, "outer", "%dc", {"%x"}),
  };
  expect_connectivity(g, {{value()},
                          {zeros(none(NoneReason::no_path))},
                          {cut(CutRule::stop_recording, "%dy", "add")},
                          {none(NoneReason::no_path)}});
}

// ---- R11 control flow ----------------------------------------------------------------------

// r = cond(p, [x*x, -x], [exp(z), -z]); s = sum(r + r2).
graph::Graph cond_graph() {
  graph::Graph g;
  g.inputs = {constant("%p", Shape{}, {1}, DType::boolean), constant("%x", Shape{2}, {1, 2}),
              constant("%z", Shape{2}, {0, 1})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {watch("t", {"%x", "%z"}),
                   cond({"%r", "%r2"}, "%p", {op("%a", "mul", {"%x", "%x"}), op("%a2", "neg", {"%x"})},
                        {"%a", "%a2"}, {op("%b", "exp", {"%z"}), op("%b2", "neg", {"%z"})}, {"%b", "%b2"}),
                   op("%s0", "add", {"%r", "%r2"}), op("%s", "reduce_sum", {"%s0"})}),
      gradient({"%gx", "%gz"}, "t", "%s", {"%x", "%z"}),
  };
  return g;
}

TEST(ConnectivityR11, OnlyTheTakenBranchIsRecorded) {
  expect_connectivity(cond_graph(), {{value(), cut(CutRule::untaken_branch, "%a", "cond")}});
  eut::InputValues in;
  in["%p"] = eut::Value{DType::boolean, Shape{}, {0}};
  expect_connectivity(cond_graph(), {{cut(CutRule::untaken_branch, "%b", "cond"), value()}}, in);
}

TEST(ConnectivityR11, ThePredicateIsNotDifferentiable) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {-2}), constant("%zero", Shape{}, {0}), constant("%k", Shape{}, {3}),
              constant("%m", Shape{}, {4})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {op("%neg", "less", {"%w", "%zero"}),
                   cond({"%r"}, "%neg", {op("%a", "mul", {"%k", "%k"})}, {"%a"}, {op("%b", "mul", {"%m", "%k"})},
                        {"%b"})}),
      gradient({"%g"}, "t", "%r", {"%w"}),
  };
  expect_connectivity(g, {{cut(CutRule::non_differentiable, "%a", "cond")}});
}

// i + 1 for an i32 counter (integer arithmetic goes through f64, as in S11).
Block increment(const std::string& i, const std::string& next) {
  return {op(next + "f", "cast", {i}, cast_to(DType::f64)), op(next + "f1", "add", {next + "f", "%onef"}),
          op(next, "cast", {next + "f1"}, cast_to(DType::i32))};
}

// x ← x·x while i < n (i += 1); a counter that is an integer carries no gradient.
graph::Graph squaring_loop(double n) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{}, {1.5}), constant("%i0", Shape{}, {0}, DType::i32),
              constant("%n", Shape{}, {n}, DType::i32), constant("%onef", Shape{}, {1})};
  g.tapes = {tape("t", /*persistent=*/true)};
  Block body = increment("%ip", "%in");
  body.push_back(op("%xn", "mul", {"%xp", "%xp"}));
  g.body = {
      record("t", {while_loop({"%xf", "%if"}, {"%x", "%i0"}, {"%xp", "%ip"}, {op("%c", "less", {"%ip", "%n"})},
                              "%c", body, {"%xn", "%in"}),
                   op("%iff", "cast", {"%if"}, cast_to(DType::f64)), op("%mix", "mul", {"%iff", "%xf"})}),
      gradient({"%gx"}, "t", "%xf", {"%x"}),
      gradient({"%gi"}, "t", "%iff", {"%x"}),
      gradient({"%gm"}, "t", "%mix", {"%x"}),
  };
  return g;
}

TEST(ConnectivityR11, WhileRecordsEveryIterationCountersAreIntegers) {
  expect_connectivity(squaring_loop(3), {{value()}, {none(NoneReason::no_path)}, {value()}});
  // Zero iterations: the result is x itself, watched (R8: ones).
  expect_connectivity(squaring_loop(0), {{value()}, {none(NoneReason::no_path)}, {value()}});
}

TEST(ConnectivityR11, ABranchInsideALoopIsDecidedPerIteration) {
  // v ← cond(i < 2, v * w, v + c) three times: w is used in iterations 0 and 1 only.
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {1.5}), variable("%c", Shape{}, {0.5}),
              constant("%v0", Shape{}, {1}), constant("%i0", Shape{}, {0}, DType::i32),
              constant("%two", Shape{}, {2}, DType::i32), constant("%n", Shape{}, {3}, DType::i32),
              constant("%onef", Shape{}, {1})};
  g.tapes = {tape("t", /*persistent=*/true)};
  Block body = increment("%ip", "%in");
  body.push_back(op("%early", "less", {"%ip", "%two"}));
  body.push_back(cond({"%vn"}, "%early", {op("%m", "mul", {"%vp", "%w"})}, {"%m"},
                      {op("%s", "add", {"%vp", "%c"})}, {"%s"}));
  g.body = {
      record("t", {while_loop({"%vf", "%if"}, {"%v0", "%i0"}, {"%vp", "%ip"},
                              {op("%go", "less", {"%ip", "%n"})}, "%go", body, {"%vn", "%in"})}),
      gradient({"%gw", "%gc"}, "t", "%vf", {"%w", "%c"}),
  };
  expect_connectivity(g, {{value(), value()}});
  g.inputs[4].init.values = {5};  // every iteration multiplies: c is only in untaken branches
  expect_connectivity(g, {{value(), cut(CutRule::untaken_branch, "%m", "cond")}});
}

// ---- R12 structure -------------------------------------------------------------------------

TEST(ConnectivityR12, OneResultPerSourceInOrder) {
  graph::Graph g;
  g.inputs = {variable("%a", Shape{}, {1}), constant("%b", Shape{}, {2}), variable("%c", Shape{2}, {3, 4}),
              variable("%d", Shape{}, {5}, false)};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {op("%cs", "reduce_sum", {"%c"}), op("%ab", "mul", {"%a", "%b"}),
                   op("%y", "add", {"%ab", "%cs"})}),
      gradient({"%ga", "%gb", "%gc", "%gd", "%ga2"}, "t", "%y", {"%a", "%b", "%c", "%d", "%a"}),
  };
  expect_connectivity(g, {{value(), none(NoneReason::not_watched), value(), none(NoneReason::no_path),
                           value()}});
}

// ---- R13 explanations ----------------------------------------------------------------------

TEST(ConnectivityR13, TheCutNearestTheTargetIsNamed) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {0.4, 2.6})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {op("%r", "round", {"%w"}), op("%e", "exp", {"%r"}), op("%sg", "stop_gradient", {"%e"}),
                   op("%loss", "reduce_sum", {"%sg"})}),
      gradient({"%g"}, "t", "%loss", {"%w"}),
  };
  expect_connectivity(g, {{cut(CutRule::stop_gradient, "%sg", "stop_gradient")}});
  const SourcePrediction s = predict_connectivity(g, {}).gradients[0].sources[0];
  EXPECT_EQ(s.cuts.size(), 1u);  // round is behind the nearer cut
  EXPECT_TRUE(contains(s.sentence("%loss"), "at %sg (stop_gradient, input 0): stop_gradient")) << s.sentence("%loss");
}

// ---- seeds ---------------------------------------------------------------------------------

TEST(ConnectivitySeeds, S01ConstantInsteadOfVariable) {
  graph::Graph g;
  g.inputs = {constant("%x", Shape{2}, {1, 2}), constant("%y_true", Shape{2}, {3, 5}),
              constant("%w", Shape{}, {0.5}), variable("%w_var", Shape{}, {0.5})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {op("%p1", "mul", {"%x", "%w"}), op("%e1", "sub", {"%p1", "%y_true"}),
                   op("%p2", "mul", {"%x", "%w_var"}), op("%e2", "sub", {"%p2", "%y_true"}),
                   op("%q1", "mul", {"%e1", "%e1"}), op("%q2", "mul", {"%e2", "%e2"}),
                   op("%q", "add", {"%q1", "%q2"}), op("%loss", "reduce_sum", {"%q"})}),
      gradient({"%gw", "%gv"}, "t", "%loss", {"%w", "%w_var"}),
  };
  expect_connectivity(g, {{none(NoneReason::not_watched), value()}});
}

TEST(ConnectivitySeeds, S02ForwardPassOutsideTheTape) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}), constant("%x", Shape{2}, {3, 4})};
  g.tapes = {tape("t")};
  g.body = {
      op("%pred", "mul", {"%w", "%x"}),
      record("t", {op("%loss", "reduce_sum", {"%pred"})}),
      gradient({"%g"}, "t", "%loss", {"%w"}),
  };
  expect_connectivity(g, {{cut(CutRule::outside_recording, "%pred", "mul")}});
}

TEST(ConnectivitySeeds, S03RoundFloorArgmaxInTheLoss) {
  for (const std::string name : {"round", "floor", "argmax"}) {
    SCOPED_TRACE(name);
    graph::Graph g;
    g.inputs = {variable("%w", Shape{3}, {0.3, 1.7, 0.9}), constant("%two", Shape{}, {2})};
    g.tapes = {tape("t")};
    Block body{op("%p", "mul", {"%w", "%two"})};
    if (name == "argmax") {
      body.push_back(op("%k", "argmax", {"%p"}, axis(0)));
      body.push_back(op("%loss", "cast", {"%k"}, cast_to(DType::f64)));
    } else {
      body.push_back(op("%k", name, {"%p"}));
      body.push_back(op("%loss", "reduce_sum", {"%k"}));
    }
    g.body = {record("t", body), gradient({"%g"}, "t", "%loss", {"%w"})};
    // argmax's i32 result is cast back: the integer value is the cut nearest the target.
    expect_connectivity(g, {{name == "argmax" ? cut(CutRule::integer_dtype, "%loss", "cast")
                                              : cut(CutRule::non_differentiable, "%k", name)}});
  }
}

TEST(ConnectivitySeeds, S04NonTrainableVariable) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}, /*trainable=*/false), variable("%b", Shape{}, {0.5})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%w", "%b"}), op("%loss", "reduce_sum", {"%y"})}),
            gradient({"%gw", "%gb"}, "t", "%loss", {"%w", "%b"})};
  expect_connectivity(g, {{none(NoneReason::not_watched), value()}});
  EXPECT_TRUE(contains(predict_connectivity(g, {}).gradients[0].sources[0].detail, "trainable=false"));
}

TEST(ConnectivitySeeds, S05LossIndependentOfPrediction) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), constant("%x", Shape{2}, {1, 2}), constant("%y_true", Shape{2}, {1, 1})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%pred", "mul", {"%x", "%w"}), op("%sq", "mul", {"%y_true", "%y_true"}),
                         op("%loss", "reduce_sum", {"%sq"})}),
            gradient({"%g"}, "t", "%loss", {"%w"})};
  expect_connectivity(g, {{none(NoneReason::no_path)}});
}

TEST(ConnectivitySeeds, S06BranchOnATensorValueAndAnIntegerValuedCondition) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {-2}), constant("%zero", Shape{}, {0}), constant("%three", Shape{}, {3}),
              constant("%hundred", Shape{}, {100})};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      record("t", {op("%neg", "less", {"%w", "%zero"}),
                   cond({"%loss"}, "%neg", {op("%ww", "mul", {"%w", "%w"}), op("%a", "mul", {"%ww", "%three"})},
                        {"%a"}, {op("%b", "mul", {"%w", "%hundred"})}, {"%b"}),
                   op("%ind", "cast", {"%neg"}, cast_to(DType::f64)), op("%l2", "mul", {"%ind", "%three"})}),
      gradient({"%g1"}, "t", "%loss", {"%w"}),
      gradient({"%g2"}, "t", "%l2", {"%w"}),
  };
  expect_connectivity(g, {{value()}, {cut(CutRule::integer_dtype, "%ind", "cast")}});
  eut::InputValues positive;
  positive["%w"] = eut::Value{DType::f64, Shape{}, {2}};
  expect_connectivity(g, {{value()}, {cut(CutRule::integer_dtype, "%ind", "cast")}}, positive);
}

TEST(ConnectivitySeeds, S07StopGradientOnlyPath) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}), variable("%v", Shape{2}, {3, 4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%sw", "stop_gradient", {"%w"}), op("%y", "mul", {"%sw", "%v"}),
                         op("%loss", "reduce_sum", {"%y"})}),
            gradient({"%gw", "%gv"}, "t", "%loss", {"%w", "%v"})};
  expect_connectivity(g, {{cut(CutRule::stop_gradient, "%sw", "stop_gradient"), value()}});
}

// S8: a value taken out of the graph and back in: host_round_trip makes a new constant with
// no history, so the model predicts "no path" (not a cut) and names the trip.
TEST(ConnectivitySeeds, S08ValueOutOfTheGraphAndBack) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1, 2}), constant("%two", Shape{}, {2})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%h", "mul", {"%w", "%two"}), op("%back", "host_round_trip", {"%h"}),
                         op("%bb", "mul", {"%back", "%back"}), op("%loss", "reduce_sum", {"%bb"})}),
            gradient({"%g"}, "t", "%loss", {"%w"})};
  expect_connectivity(g, {{none(NoneReason::no_path)}});
  const auto prediction = predict_connectivity(g, {});
  const SourcePrediction& p = prediction.gradients.at(0).sources.at(0);
  EXPECT_NE(p.detail.find("only through %back, a copy of %h taken out of the graph and back in"), std::string::npos)
      << p.detail;
}

TEST(ConnectivitySeeds, S10UnwatchedConstantVsVariable) {
  graph::Graph g;
  g.inputs = {constant("%c", Shape{}, {3}), variable("%v", Shape{}, {3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%cc", "mul", {"%c", "%c"}), op("%vv", "mul", {"%v", "%v"}),
                         op("%loss", "add", {"%cc", "%vv"})}),
            gradient({"%gc", "%gv"}, "t", "%loss", {"%c", "%v"})};
  expect_connectivity(g, {{none(NoneReason::not_watched), value()}});
}

TEST(ConnectivitySeeds, S11WhileLoop) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), constant("%i0", Shape{}, {0}, DType::i32),
              constant("%v0", Shape{}, {0}), constant("%five", Shape{}, {5}, DType::i32),
              constant("%half", Shape{}, {0.5}), constant("%one", Shape{}, {1})};
  g.tapes = {tape("t")};
  g.body = {
      record("t", {while_loop({"%if", "%vf"}, {"%i0", "%v0"}, {"%ip", "%vp"}, {op("%c", "less", {"%ip", "%five"})},
                              "%c",
                              {op("%ipf", "cast", {"%ip"}, cast_to(DType::f64)), op("%ipn", "add", {"%ipf", "%one"}),
                               op("%in", "cast", {"%ipn"}, cast_to(DType::i32)), op("%vh", "mul", {"%vp", "%half"}),
                               op("%vn", "add", {"%vh", "%w"})},
                              {"%in", "%vn"})}),
      gradient({"%g"}, "t", "%vf", {"%w"}),
  };
  expect_connectivity(g, {{value()}});
}

TEST(ConnectivitySeeds, S12CastToIntAndIntegerComparisons) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{2}, {1.7, -2.2}), constant("%two", Shape{}, {2}),
              constant("%zi", Shape{2}, {0, 0}, DType::i32)};
  g.tapes = {tape("t", /*persistent=*/true)};
  g.body = {
      record("t", {op("%p", "mul", {"%w", "%two"}), op("%pi", "cast", {"%p"}, cast_to(DType::i32)),
                   op("%pf", "cast", {"%pi"}, cast_to(DType::f64)), op("%loss", "reduce_sum", {"%pf"}),
                   op("%k", "cast", {"%w"}, cast_to(DType::i32)), op("%gt", "greater", {"%k", "%zi"}),
                   op("%gf", "cast", {"%gt"}, cast_to(DType::f64)), op("%l2", "reduce_sum", {"%gf"})}),
      gradient({"%g1"}, "t", "%loss", {"%w"}),
      gradient({"%g2"}, "t", "%l2", {"%w"}),
  };
  expect_connectivity(g, {{cut(CutRule::integer_dtype, "%pf", "cast")}, {cut(CutRule::integer_dtype, "%gf", "cast")}});
}

TEST(ConnectivitySeeds, S13UnconnectedZero) {
  graph::Graph g;
  g.inputs = {variable("%used", Shape{2}, {1, 2}), variable("%unused", Shape{2, 2}, {1, 1, 1, 1}, true, DType::f32)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%uu", "mul", {"%used", "%used"}), op("%loss", "reduce_sum", {"%uu"})}),
            gradient({"%g1", "%g2"}, "t", "%loss", {"%used", "%unused"}, {}, std::nullopt, graph::Unconnected::zero)};
  expect_connectivity(g, {{value(), zeros(none(NoneReason::no_path))}});
}

// ---- random graphs -------------------------------------------------------------------------

// Scalar graphs of random ops, nested record / stop_recording blocks, watches, conds, while
// loops and gradient() calls (whose results may feed later ops: nested tapes), on two
// persistent tapes. Branches yield fresh values (see ConnectivityEngineBugs below).
class RandomGraph {
 public:
  explicit RandomGraph(std::uint64_t seed) : rng_(seed) {}

  graph::Graph make() {
    graph::Graph g;
    g.inputs = {variable("%w", Shape{}, {0.7}), variable("%f", Shape{}, {-0.4}, false),
                constant("%c", Shape{}, {1.3}), variable("%z", Shape{}, {0.0}),
                constant("%two", Shape{}, {2}), constant("%one", Shape{}, {1})};
    g.tapes = {tape("t1", true, pick(2) == 0), tape("t2", true, pick(2) == 0)};
    std::vector<std::string> pool{"%w", "%f", "%c", "%z"};
    g.body = block(6 + pick(8), true, pool);
    return g;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string fresh() { return "%v" + std::to_string(counter_++); }
  const std::string& any(const std::vector<std::string>& pool) { return pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))]; }
  const std::string& a_tape() { return tapes_[static_cast<std::size_t>(pick(2))]; }

  Block block(int n, bool gradients, std::vector<std::string>& pool) {
    static const char* unary[] = {"exp", "sin", "neg", "relu", "round", "stop_gradient", "sign", "tanh"};
    static const char* binary[] = {"add", "mul", "sub"};
    Block b;
    for (int i = 0; i < n; ++i) {
      const int kind = pick(depth_ > 2 ? 4 : 10);
      const std::string r = fresh();
      if (kind <= 1) {
        b.push_back(op(r, unary[pick(8)], {any(pool)}));
        pool.push_back(r);
      } else if (kind == 2) {
        b.push_back(op(r, binary[pick(3)], {any(pool), any(pool)}));
        pool.push_back(r);
      } else if (kind == 3) {
        b.push_back(op(r + "i", "cast", {any(pool)}, cast_to(DType::i32)));
        b.push_back(op(r, "cast", {r + "i"}, cast_to(DType::f64)));
        pool.push_back(r);
      } else if (kind == 4 || kind == 5) {
        ++depth_;
        Block body = block(1 + pick(3), gradients, pool);
        b.push_back(kind == 4 ? record(a_tape(), body) : stop_recording(a_tape(), body));
        --depth_;
      } else if (kind == 6) {
        b.push_back(watch(a_tape(), {any(pool)}));
      } else if (kind == 7) {
        ++depth_;
        std::vector<std::string> p1 = pool, p2 = pool;
        Block then_body = block(1 + pick(2), false, p1), else_body = block(1 + pick(2), false, p2);
        then_body.push_back(op(r + "t", "neg", {any(p1)}));
        else_body.push_back(op(r + "e", "neg", {any(p2)}));
        b.push_back(op(r + "p", "less", {any(pool), any(pool)}));
        b.push_back(cond({r}, r + "p", then_body, {r + "t"}, else_body, {r + "e"}));
        pool.push_back(r);
        --depth_;
      } else if (kind == 8) {
        ++depth_;
        std::vector<std::string> inner = pool;
        inner.push_back(r + "x");
        Block body = block(1 + pick(2), false, inner);
        body.push_back(op(r + "n", "mul", {r + "x", any(inner)}));
        body.push_back(op(r + "j", "add", {r + "k", "%one"}));
        b.push_back(while_loop({r, r + "end"}, {any(pool), "%one"}, {r + "x", r + "k"},
                               {op(r + "go", "less", {r + "k", "%two"})}, r + "go", body, {r + "n", r + "j"}));
        pool.push_back(r);
        --depth_;
      } else if (gradients) {
        std::vector<std::string> sources, results;
        for (int s = 1 + pick(3); s > 0; --s) {
          sources.push_back(any(pool));
          results.push_back(fresh());
        }
        b.push_back(gradient(results, a_tape(), any(pool), sources, {}, std::nullopt,
                             pick(3) == 0 ? graph::Unconnected::zero : graph::Unconnected::none));
        for (const std::string& res : results)
          if (pick(3) == 0) pool.push_back(res);  // may be None: a predicted error
      }
    }
    return b;
  }

  std::mt19937_64 rng_;
  int counter_ = 0, depth_ = 0;
  std::vector<std::string> tapes_{"t1", "t2"};
};

// The prediction equals the reference engine: the None set of every gradient() call, where
// the run stops, and (for each None) the reason and the number of cuts it names.
TEST(ConnectivityRandom, PredictionMatchesTheReferenceOnRandomGraphs) {
  int compared = 0, stopped = 0;
  for (std::uint64_t seed = 0; seed < 4000; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const graph::Graph g = RandomGraph(seed).make();
    const ConnectivityPrediction p = predict_connectivity(g, {});
    const eut::RunResult r = eut::make_reference_engine()->run(g, {});
    ASSERT_EQ(p.error.has_value(), r.error.has_value())
        << (p.error ? p.error->message : "no predicted error") << " / " << (r.error ? r.error->message : "no error");
    stopped += r.error.has_value();
    ASSERT_EQ(p.gradients.size(), r.gradients.size());
    for (std::size_t i = 0; i < r.gradients.size(); ++i) {
      ++compared;
      for (std::size_t k = 0; k < p.gradients[i].sources.size(); ++k) {
        const SourcePrediction& s = p.gradients[i].sources[k];
        const std::string& why = r.gradients[i].why_none[k];
        ASSERT_EQ(s.is_none(), !r.gradients[i].values[k]) << s.sentence(p.gradients[i].target) << " / " << why;
        if (s.connected || why.empty()) continue;
        EXPECT_TRUE(contains(why, engine_words(s))) << s.sentence(p.gradients[i].target) << "\n" << why;
        std::size_t cuts = 0;
        for (auto at = why.find("at node "); at != std::string::npos; at = why.find("at node ", at + 1)) ++cuts;
        EXPECT_EQ(cuts, s.cuts.size()) << s.sentence(p.gradients[i].target) << "\n" << why;
      }
    }
    EXPECT_TRUE(all_agree(check_connectivity(g, {}, r)));
  }
  EXPECT_GT(compared, 3000);
  EXPECT_LT(stopped, 2500);  // most runs reach their end
}

// ---- injected faults -----------------------------------------------------------------------

// The reference engine with one result changed after the run.
class Faulty final : public eut::EngineUnderTest {
 public:
  enum class Fault { none_to_zeros, value_to_none, zeros_to_ones };
  explicit Faulty(Fault f) : fault_(f) {}
  std::string name() const override { return "faulty"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& in) override {
    eut::RunResult r = eut::make_reference_engine()->run(g, in);
    for (eut::GradientResult& gr : r.gradients)
      for (std::size_t k = 0; k < gr.values.size(); ++k) {
        std::optional<eut::Value>& v = gr.values[k];
        if (fault_ == Fault::none_to_zeros && !v) {
          v = eut::Value{DType::f64, Shape{}, {0}};
          gr.why_none[k].clear();
          return r;
        }
        if (fault_ == Fault::value_to_none && v) {
          v.reset();
          gr.why_none[k] = "injected";
          return r;
        }
        if (fault_ == Fault::zeros_to_ones && v)
          for (double& x : v->data) x = 1;
      }
    return r;
  }

 private:
  Fault fault_;
};

std::vector<Finding> mismatches(const std::vector<Finding>& f) {
  std::vector<Finding> out;
  for (const Finding& x : f)
    if (x.outcome == Outcome::mismatch) out.push_back(x);
  return out;
}

TEST(ConnectivityFaults, ANoneTurnedIntoZerosIsAMismatchStatingThePredictedReason) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), constant("%c", Shape{}, {3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%w", "%c"})}), gradient({"%gw", "%gc"}, "t", "%y", {"%w", "%c"})};
  const eut::RunResult r = Faulty(Faulty::Fault::none_to_zeros).run(g, {});
  const std::vector<Finding> m = mismatches(check_connectivity(g, {}, r));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].source, "%c");
  EXPECT_EQ(m[0].target, "%y");
  EXPECT_TRUE(contains(m[0].detail, "not watched")) << m[0].detail;
}

TEST(ConnectivityFaults, ZerosForNoneAreInconclusiveForAnEngineWithoutExactNone) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), constant("%c", Shape{}, {3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%w", "%c"})}), gradient({"%gw", "%gc"}, "t", "%y", {"%w", "%c"})};
  const eut::RunResult r = Faulty(Faulty::Fault::none_to_zeros).run(g, {});
  eut::Capabilities torch_like;
  torch_like.exact_none = false;
  const std::vector<Finding> f = check_connectivity(g, {}, r, torch_like);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].outcome, Outcome::agree);
  EXPECT_EQ(f[1].outcome, Outcome::inconclusive) << f[1].detail;
}

TEST(ConnectivityFaults, AValueTurnedIntoNoneIsAMismatch) {
  const graph::Graph g = squaring_loop(3);
  const eut::RunResult r = Faulty(Faulty::Fault::value_to_none).run(g, {});
  const std::vector<Finding> m = mismatches(check_connectivity(g, {}, r));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].gradient, 0);
  EXPECT_EQ(m[0].source, "%x");
  EXPECT_TRUE(contains(m[0].detail, "where a value is predicted")) << m[0].detail;
}

TEST(ConnectivityFaults, NonZeroUnconnectedResultsAndIgnoredPersistenceAreMismatches) {
  graph::Graph g;
  g.inputs = {variable("%used", Shape{2}, {1, 2}), constant("%c", Shape{2}, {1, 1})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%loss", "reduce_sum", {"%used"})}),
            gradient({"%g1", "%g2"}, "t", "%loss", {"%used", "%c"}, {}, std::nullopt, graph::Unconnected::zero)};
  const std::vector<Finding> m =
      mismatches(check_connectivity(g, {}, Faulty(Faulty::Fault::zeros_to_ones).run(g, {})));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].source, "%c");
  EXPECT_TRUE(contains(m[0].detail, "R7")) << m[0].detail;

  // An engine that lets a non-persistent tape compute twice (run as if persistent).
  const eut::RunResult lax = eut::make_reference_engine()->run(twice(true), {});
  const std::vector<Finding> r9 = mismatches(check_connectivity(twice(false), {}, lax));
  ASSERT_EQ(r9.size(), 1u);
  EXPECT_EQ(r9[0].gradient, 1);
  EXPECT_TRUE(contains(r9[0].detail, "persistent")) << r9[0].detail;
}

TEST(ConnectivityFaults, AWrongShapeIsAMismatch) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{1}, {2}), constant("%c", Shape{3}, {1, 2, 3})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%y", "mul", {"%w", "%c"})}), gradient({"%gw"}, "t", "%y", {"%w"})};
  eut::RunResult r = eut::make_reference_engine()->run(g, {});
  ASSERT_TRUE(r.gradients.at(0).values.at(0));
  EXPECT_TRUE(all_agree(check_connectivity(g, {}, r)));
  r.gradients[0].values[0] = eut::Value{DType::f64, Shape{3}, {1, 2, 3}};  // not reduced
  const std::vector<Finding> m = mismatches(check_connectivity(g, {}, r));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(contains(m[0].detail, "[3]")) << m[0].detail;
}

// ---- a cond whose taken result feeds its own untaken branch ---------------------------------

// p = cond(yes, [w], [w]) outside the tape: p is w, and the untaken branch's result is w
// too. The oracle predicts None (w never read while t records). Regression: the reference
// engine's explain() used to follow the untaken-branch link from w back to w forever (its
// Reach search had no cycle guard) until std::bad_alloc. The child process may take at most
// 3 GB more address space (under ASan: the preset's resident-memory cap) and 60 s, so that a
// regression cannot hurt the host; it says on stderr what went wrong.
TEST(ConnectivityEngineBugs, CondWhoseTakenResultFeedsTheUntakenBranchIsExplained) {
  graph::Graph g;
  g.inputs = {variable("%w", Shape{}, {2}), constant("%yes", Shape{}, {1}, DType::boolean)};
  g.tapes = {tape("t")};
  g.body = {cond({"%p"}, "%yes", {}, {"%w"}, {}, {"%w"}), record("t", {op("%y", "mul", {"%p", "%p"})}),
            gradient({"%g"}, "t", "%y", {"%w"})};
  const ConnectivityPrediction p = predict_connectivity(g, {});
  ASSERT_FALSE(p.error);
  expect_source(p.gradients.at(0).sources.at(0), none(NoneReason::not_watched), "prediction");
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto run_limited = [&g] {
    eut::cap_address_space(std::uint64_t{3} << 30);
    alarm(60);
    const eut::RunResult r = eut::make_reference_engine()->run(g, {});
    if (r.error) {
      std::fprintf(stderr, "engine error: %s\n", r.error->message.c_str());
      std::exit(1);
    }
    if (r.gradients.size() != 1 || r.gradients[0].values[0]) {
      std::fprintf(stderr, "expected one None gradient\n");
      std::exit(1);
    }
    std::exit(0);
  };
  EXPECT_EXIT(run_limited(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace tc::oracles

// --- under another engine's semantics profile (eut/semantics_profile.hpp) ---------------------

namespace tc::oracles {
namespace {

// Whether source k of gradient() call `call` is predicted None under `profile`.
bool predicted_none(const std::string& tcg, const eut::SemanticsProfile& profile, std::size_t call = 0,
                    std::size_t k = 0) {
  const ConnectivityPrediction p = predict_connectivity(graph::parse_tcg(tcg), {}, profile);
  EXPECT_FALSE(p.error) << p.error->message;
  EXPECT_GT(p.gradients.size(), call);
  if (p.gradients.size() <= call) return false;
  return p.gradients[call].sources.at(k).is_none();
}

TEST(ConnectivityProfile, TorchsParametersRequireGradFromTheStartForEveryTape) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(1, 2)
input %c: f64[2] constant values(3, 4)
tape t watch_accessed_variables=false
record t {
  %y = mul %x %c
}
%gx = grad t %y wrt %x
)";
  EXPECT_TRUE(predicted_none(g, eut::tf_profile()));      // R2: the tape does not watch reads
  EXPECT_FALSE(predicted_none(g, eut::torch_profile()));  // an nn.Parameter requires grad
}

TEST(ConnectivityProfile, TorchsStopRecordingPausesEveryTape) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(1, 2)
tape t
tape u
record t {
  record u {
    stop_recording u {
      %y = sin %x
    }
  }
}
%gx = grad t %y wrt %x
)";
  EXPECT_FALSE(predicted_none(g, eut::tf_profile()));    // u paused, t records
  EXPECT_TRUE(predicted_none(g, eut::torch_profile()));  // no_grad: nothing records
}

TEST(ConnectivityProfile, TorchsRoundingOpsGiveZerosNotNone) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(1.5, 2.5)
tape t
record t {
  %y = floor %x
}
%gx = grad t %y wrt %x
)";
  EXPECT_TRUE(predicted_none(g, eut::tf_profile()));
  EXPECT_FALSE(predicted_none(g, eut::torch_profile()));
}

TEST(ConnectivityProfile, TorchsComparisonMasksMakeTheSecondDerivativeNone) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(1, 3)
input %c: f64[2] constant values(2, 2)
tape outer
tape inner
record outer {
  record inner {
    %y = maximum %x %c
    %s = reduce_sum %y axes=[] keepdims=false
  }
  %g = grad inner %s wrt %x
  %gs = reduce_sum %g axes=[] keepdims=false
}
%h = grad outer %gs wrt %x
)";
  EXPECT_FALSE(predicted_none(g, eut::tf_profile(), 1));  // R5: zeros, connected through the mask
  EXPECT_TRUE(predicted_none(g, eut::torch_profile(), 1));
}

// Row 16: a second derivative with respect to an op's output is connected where the backward
// reads that output: torch's expm1 backward does (grad·(result + 1)), the reference's reads x
// (grad·eˣ); the reference's div backward for the divisor does (−grad·y/b), torch's reads a.
std::string second_derivative_wrt_output(const std::string& op, const std::string& wrt) {
  return R"(graph g
input %a: f64[2] variable values(0.5, 1.5)
input %b: f64[2] variable values(2, 3)
tape outer
tape inner
record outer {
  record inner {
    %y = )" + op + R"(
    %s = reduce_sum %y axes=[] keepdims=false
  }
  %g = grad inner %s wrt )" + wrt + R"(
  %gs = reduce_sum %g axes=[] keepdims=false
}
%h = grad outer %gs wrt %y
)";
}

TEST(ConnectivityProfile, TorchsBackwardsReadTheOutputsTheySave) {
  const std::string expm1 = second_derivative_wrt_output("expm1 %a", "%a");
  EXPECT_TRUE(predicted_none(expm1, eut::tf_profile(), 1));
  EXPECT_FALSE(predicted_none(expm1, eut::torch_profile(), 1));
  const std::string div = second_derivative_wrt_output("div %a %b", "%b");
  EXPECT_FALSE(predicted_none(div, eut::tf_profile(), 1));
  EXPECT_TRUE(predicted_none(div, eut::torch_profile(), 1));
  // elu and selu: torch's node is EluBackward0 (at::selu is at::elu with selu's constants),
  // which saves the input; the reference's VJPs read the output (y + α where x < 0).
  for (const std::string op : {"elu %a alpha=1", "selu %a"}) {
    const std::string g = second_derivative_wrt_output(op, "%a");
    EXPECT_FALSE(predicted_none(g, eut::tf_profile(), 1)) << op;
    EXPECT_TRUE(predicted_none(g, eut::torch_profile(), 1)) << op;
  }
  // The profile states reads only where torch's differ: sin's are the row's.
  EXPECT_EQ(&eut::torch_profile().vjp_reads(op_sin, 0), &op_sin.input(0).vjp_reads);
}

// Row 15: torch's exclusive cumprod over one element is the constant 1 (ones behind the scan of
// nothing): the second derivative through it is None; over two elements it reads x.
TEST(ConnectivityProfile, TorchsExclusiveProductOfOneElementIsAConstant) {
  auto graph_of = [](const std::string& n, const std::string& values) {
    return R"(graph g
input %x: f64[)" + n + "] variable values(" + values + R"()
tape outer
tape inner
record outer {
  record inner {
    %y = cumprod %x axis=0 exclusive=true reverse=false
    %s = reduce_sum %y axes=[] keepdims=false
  }
  %g = grad inner %s wrt %x
  %gs = reduce_sum %g axes=[] keepdims=false
}
%h = grad outer %gs wrt %x
)";
  };
  EXPECT_FALSE(predicted_none(graph_of("1", "2"), eut::tf_profile(), 1));
  EXPECT_TRUE(predicted_none(graph_of("1", "2"), eut::torch_profile(), 1));
  EXPECT_FALSE(predicted_none(graph_of("3", "2, 3, 4"), eut::torch_profile(), 1));
}

// Row 15: torch's prod_backward returns the upstream gradient as it is for a scalar, and for
// groups of one element where the input holds a zero: the second derivative through it is None
// there. Elsewhere (a group of two; one element, no zero) it reads x (grad·result/x).
TEST(ConnectivityProfile, TorchsProductOfOneElementReadsNothingAtAScalarOrAZero) {
  auto graph_of = [](const std::string& spec, const std::string& values, const std::string& axes) {
    return R"(graph g
input %x: f64)" + spec + " variable values(" + values + R"()
tape outer
tape inner
record outer {
  record inner {
    %p = reduce_prod %x axes=)" + axes + R"( keepdims=false
    %s = reduce_sum %p axes=[] keepdims=false
  }
  %g = grad inner %s wrt %x
  %gs = reduce_sum %g axes=[] keepdims=false
}
%h = grad outer %gs wrt %x
)";
  };
  for (const std::string& g : {graph_of("[]", "2", "[]"), graph_of("[]", "0", "[]"), graph_of("[1]", "0", "[]"),
                               graph_of("[2,1]", "3, 0", "[1]")}) {
    EXPECT_FALSE(predicted_none(g, eut::tf_profile(), 1)) << g;
    EXPECT_TRUE(predicted_none(g, eut::torch_profile(), 1)) << g;
  }
  EXPECT_FALSE(predicted_none(graph_of("[1]", "2", "[]"), eut::torch_profile(), 1));          // no zero
  EXPECT_FALSE(predicted_none(graph_of("[2,1]", "3, 0", "[0]"), eut::torch_profile(), 1));    // a group of two
}

// Row 16 for reduce_prod: torch's backward reads its output (grad·result/x) only where x holds
// no zero; with one it multiplies the products of the others, so the second derivative with
// respect to the output is None there (campaign --engine libtorch seed 6 graph 26: x0 + k0 = 0).
TEST(ConnectivityProfile, TorchsProductReadsItsOutputOnlyWithoutAZero) {
  const std::string without = second_derivative_wrt_output("reduce_prod %a axes=[] keepdims=false", "%a");
  std::string with = without;
  with.replace(with.find("values(0.5, 1.5)"), 16, "values(0.5, 0)");
  EXPECT_FALSE(predicted_none(without, eut::torch_profile(), 1));
  EXPECT_TRUE(predicted_none(with, eut::torch_profile(), 1));
}

TEST(ConnectivityProfile, TorchsEdgesAreFixedWhenTheOpRuns) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(1, 2)
input %c: f64[2] constant values(3, 4)
tape t
record t {
  %y = mul %x %c
  watch t %c
}
%gc = grad t %y wrt %c
)";
  EXPECT_FALSE(predicted_none(g, eut::tf_profile()));    // the tape finds %c by identity
  EXPECT_TRUE(predicted_none(g, eut::torch_profile()));  // mul has no edge to %c
}

TEST(ConnectivityProfile, TorchsCastToItsOwnDtypeIsTheTensorItself) {
  const std::string g = R"(graph g
input %x: f64[2] variable values(1, 2)
tape t
%y = cast %x dtype=f64
record t {
  %z = sin %y
}
%gx = grad t %z wrt %x
)";
  EXPECT_TRUE(predicted_none(g, eut::tf_profile()));     // a new constant outside recording
  EXPECT_FALSE(predicted_none(g, eut::torch_profile()));  // Tensor.to returns self
}

TEST(ConnectivityProfile, TorchsSecondGradientOfANonPersistentTapeMayRun) {
  const graph::Graph g = graph::parse_tcg(R"(graph g
input %x: f64[2] variable values(1, 2)
tape t
record t {
  %y = add %x %x
}
%g1 = grad t %y wrt %x
%g2 = grad t %y wrt %x
)");
  const ConnectivityPrediction tf = predict_connectivity(g, {}, eut::tf_profile());
  ASSERT_TRUE(tf.error);
  EXPECT_EQ(tf.error->kind, eut::ErrorKind::tape);
  const ConnectivityPrediction torch = predict_connectivity(g, {}, eut::torch_profile());
  EXPECT_FALSE(torch.error);
  EXPECT_EQ(torch.gradients.size(), 2u);
  EXPECT_EQ(torch.may_stop_from, 1);
  // A tape error from there on is one torch's semantics allow: not a mismatch.
  eut::RunResult run;
  run.gradients.resize(1);
  run.gradients[0].values.push_back(eut::Value{DType::f64, Shape{2}, {2, 2}});
  run.gradients[0].why_none.emplace_back();
  run.error = eut::RaisedError{eut::ErrorKind::tape, "Trying to backward through the graph a second time", {}};
  for (const Finding& f : check_connectivity(g, {}, run, {}, eut::torch_profile()))
    EXPECT_NE(f.outcome, Outcome::mismatch) << f.detail;
  bool mismatch_under_tf = false;
  for (const Finding& f : check_connectivity(g, {}, run, {}, eut::tf_profile()))
    mismatch_under_tf = mismatch_under_tf || f.outcome == Outcome::mismatch;
  EXPECT_FALSE(mismatch_under_tf);  // TF predicts the error itself, one call earlier: consistent
}


// ---- R14: optimizer steps (apply_gradients) ----------------------------------------------------

// %w reaches the loss, %u does not (its gradient is None), unless `w_cut`, which cuts %w's only
// path with round: then every gradient is None.
graph::Graph optimizer_step(bool w_cut) {
  return graph::parse_tcg(std::string("input %w: f64[2] variable values(1, -2)\n"
                                      "input %u: f64[2] variable values(5, 6)\n"
                                      "tape t\n"
                                      "record t {\n"
                                      "  %sq = mul %w %w\n") +
                          (w_cut ? "  %y = round %sq\n" : "  %y = neg %sq\n") +
                          "  %loss = reduce_sum %y axes=[] keepdims=false\n"
                          "}\n"
                          "%gw, %gu = grad t %loss wrt %w, %u\n"
                          "apply_gradients %gw, %gu to %w, %u learning_rate=0.5\n");
}

const Finding& step_finding(const std::vector<Finding>& f) {
  for (const Finding& x : f)
    if (x.target == "apply_gradients") return x;
  static const Finding none;
  ADD_FAILURE() << "no finding about the optimizer step";
  return none;
}

TEST(ConnectivityR14, AllNoneGradientsPredictTheErrorNamingEveryVariableAndReason) {
  const graph::Graph g = optimizer_step(true);
  const ConnectivityPrediction p = predict_connectivity(g, {});
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->kind, eut::ErrorKind::no_gradients);
  EXPECT_TRUE(contains(p.error->message, "No gradients provided for any variable")) << p.error->message;
  EXPECT_TRUE(contains(p.error->message, "'w': d loss / d w is None: path cut")) << p.error->message;
  EXPECT_TRUE(contains(p.error->message, "round")) << p.error->message;
  EXPECT_TRUE(contains(p.error->message, "'u': d loss / d u is None: no path")) << p.error->message;
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_TRUE(p.steps[0].raises);

  const eut::RunResult r = eut::make_reference_engine()->run(g, {});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->kind, eut::ErrorKind::no_gradients);
  EXPECT_TRUE(r.steps.empty());
  const Finding f = step_finding(check_connectivity(g, {}, r));
  EXPECT_EQ(f.outcome, Outcome::agree) << f.detail;

  // An engine that steps anyway (as torch.optim.SGD does, silently) is caught.
  eut::RunResult applied = r;
  applied.error.reset();
  applied.steps.push_back({{std::nullopt, std::nullopt}, ""});
  const Finding wrong = step_finding(check_connectivity(g, {}, applied));
  EXPECT_EQ(wrong.outcome, Outcome::mismatch);
  EXPECT_TRUE(contains(wrong.detail, "No gradients provided for any variable")) << wrong.detail;
}

TEST(ConnectivityR14, SomeNoneWarnsAndAppliesTheRest) {
  const graph::Graph g = optimizer_step(false);
  const ConnectivityPrediction p = predict_connectivity(g, {});
  EXPECT_FALSE(p.error);
  ASSERT_EQ(p.steps.size(), 1u);
  ASSERT_EQ(p.steps[0].variables.size(), 2u);
  EXPECT_FALSE(p.steps[0].variables[0].none);
  EXPECT_TRUE(p.steps[0].variables[1].none);
  EXPECT_TRUE(contains(p.steps[0].variables[1].why, "no path")) << p.steps[0].variables[1].why;

  const eut::RunResult r = eut::make_reference_engine()->run(g, {});
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.steps.size(), 1u);
  ASSERT_TRUE(r.steps[0].variables[0]);
  EXPECT_FALSE(r.steps[0].variables[1]);
  // w - 0.5 * d(-w²)/dw = w + w = 2w.
  EXPECT_EQ(r.steps[0].variables[0]->data, (std::vector<double>{2, -4}));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(contains(r.warnings[0], "'u'")) << r.warnings[0];
  EXPECT_EQ(r.steps[0].warning, r.warnings[0]);
  EXPECT_EQ(step_finding(check_connectivity(g, {}, r)).outcome, Outcome::agree);

  // No warning, a None variable updated, a wrong update, an error: each a mismatch.
  eut::RunResult silent = r;
  silent.steps[0].warning.clear();
  EXPECT_TRUE(contains(step_finding(check_connectivity(g, {}, silent)).detail, "no warning"));
  EXPECT_EQ(step_finding(check_connectivity(g, {}, silent)).outcome, Outcome::mismatch);
  eut::RunResult touched = r;
  touched.steps[0].variables[1] = r.values.at("u");
  EXPECT_EQ(step_finding(check_connectivity(g, {}, touched)).outcome, Outcome::mismatch);
  eut::RunResult off = r;
  off.steps[0].variables[0]->data[1] += 1e-6;
  const Finding f = step_finding(check_connectivity(g, {}, off));
  EXPECT_EQ(f.outcome, Outcome::mismatch);
  EXPECT_TRUE(contains(f.detail, "element 1")) << f.detail;
  eut::RunResult raised = r;
  raised.steps.clear();
  raised.error = eut::RaisedError{eut::ErrorKind::no_gradients, "No gradients provided for any variable", {}};
  EXPECT_EQ(step_finding(check_connectivity(g, {}, raised)).outcome, Outcome::mismatch);
}

}  // namespace
}  // namespace tc::oracles

namespace tc::oracles {
namespace {

// The model's values are the engine's: each result rounded to its dtype. 0.1f·0.1f is
// 0.0100000002980232 in double and 0.0100000007078052 in f32, so in f32 m + k with k = −f32(m)
// is exactly 0 and det's VJP (g·det·A⁻ᵀ) raises at the singular 1×1 matrix; in double it is
// −4.1e-10 (soak graph 367928: the model predicted no error, and the engine's was a mismatch).
TEST(Connectivity, ThePredictionSeesValuesRoundedToTheirDtypeAsTheEngineDoes) {
  const char* tcg = R"(graph g
input %a: DT[1,1] variable values(0.10000000149011612)
input %k: DT[1,1] constant values(-0.010000000707805157)
tape t
record t {
  %m = mul %a %a
  %s = add %m %k
  %d = det %s
}
%g = grad t %d wrt %a
)";
  const auto with = [&](const char* dtype) {
    std::string text = tcg;
    for (std::size_t at; (at = text.find("DT")) != std::string::npos;) text.replace(at, 2, dtype);
    return predict_connectivity(graph::parse_tcg(text), {}, eut::tf_profile());
  };
  const ConnectivityPrediction f32 = with("f32");
  ASSERT_TRUE(f32.error) << "in f32 the matrix is exactly singular";
  EXPECT_NE(f32.error->message.find("singular"), std::string::npos) << f32.error->message;
  EXPECT_FALSE(with("f64").error) << "in f64 it is not";
}

}  // namespace
}  // namespace tc::oracles
