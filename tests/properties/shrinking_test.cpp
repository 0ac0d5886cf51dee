// Shrinking: an engine with one deliberately broken rule (test-only wrappers around the
// reference engine) must be caught by P1 / P2, and RapidCheck's shrinking with
// properties/shrink.hpp must bring the counterexample down to at most four ops. The shrunk
// graph and the RC_PARAMS reproduce string are printed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <variant>

#include "engine/ops/op_table.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/tcg.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/finite_difference.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "properties/shrink.hpp"

namespace tc::properties {
namespace {

// Rewrites every `%r = <op> ...` of the graph into `%r__raw = <op> ...` followed by
// statements that compute %r from %r__raw (`rewrite` appends them), then runs the reference
// engine on the rewritten graph. Gradient results keep their names and order.
class RewritingEngine : public eut::EngineUnderTest {
 public:
  using Rewrite = std::function<void(const std::string& raw, const std::string& result, DType dtype,
                                     graph::Block& out, graph::Graph& g)>;
  RewritingEngine(std::string op, Rewrite rewrite) : op_(std::move(op)), rewrite_(std::move(rewrite)) {}
  std::string name() const override { return "reference with a broken " + op_; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& inputs) override {
    graph::Graph h = g;
    const graph::ValueSpecs specs = graph::validate(g);
    std::function<void(graph::Block&)> walk = [&](graph::Block& b) {
      graph::Block out;
      for (graph::Statement& s : b) {
        if (auto* op = std::get_if<graph::OpStmt>(&s.node); op && op->op == op_) {
          const std::string result = op->result;
          op->result = result + "__raw";
          out.push_back(s);
          rewrite_(op->result, result, specs.at(result).dtype, out, h);
          continue;
        }
        if (auto* r = std::get_if<graph::Record>(&s.node)) walk(r->body);
        else if (auto* sr = std::get_if<graph::StopRecording>(&s.node)) walk(sr->body);
        else if (auto* c = std::get_if<graph::Cond>(&s.node)) {
          walk(c->then_body);
          walk(c->else_body);
        } else if (auto* w = std::get_if<graph::While>(&s.node)) {
          walk(w->cond_body);
          walk(w->body);
        }
        out.push_back(std::move(s));
      }
      b = std::move(out);
    };
    walk(h.body);
    eut::RunResult r = eut::make_reference_engine()->run(h, inputs);
    for (auto it = r.values.begin(); it != r.values.end();)
      it = it->first.find("__") != std::string::npos ? r.values.erase(it) : std::next(it);
    return r;
  }

 private:
  std::string op_;
  Rewrite rewrite_;
};

graph::Statement op(std::string result, std::string name, std::vector<std::string> operands) {
  return {graph::OpStmt{std::move(result), std::move(name), std::move(operands), {}}, {}};
}

std::string constant(graph::Graph& g, const std::string& name, DType dtype, double value) {
  for (const auto& in : g.inputs)
    if (in.name == name) return name;
  graph::Input in;
  in.name = name;
  in.dtype = dtype;
  in.kind = graph::InputKind::constant;
  in.init.kind = graph::Init::Kind::values;
  in.init.values = {value};
  g.inputs.push_back(in);
  return name;
}

// sin's gradient scaled by 1.01: r = raw + (raw·0.01 − stop_gradient(raw·0.01)); the value
// is raw exactly, the gradient 1.01 times sin's.
std::unique_ptr<eut::EngineUnderTest> broken_sin() {
  return std::make_unique<RewritingEngine>(
      "sin", [](const std::string& raw, const std::string& r, DType d, graph::Block& out, graph::Graph& g) {
        const std::string k = constant(g, std::string("k__") + std::string(dtype_name(d)), d, 0.01);
        out.push_back(op(r + "__a", "mul", {raw, k}));
        out.push_back(op(r + "__b", "stop_gradient", {r + "__a"}));
        out.push_back(op(r + "__c", "sub", {r + "__a", r + "__b"}));
        out.push_back(op(r, "add", {raw, r + "__c"}));
      });
}

// round passes its gradient straight through instead of cutting the edge (R4):
// r = x + stop_gradient(round(x) − x), where x is round's operand — a value where None is due.
std::unique_ptr<eut::EngineUnderTest> leaky_round() {
  class Leaky : public eut::EngineUnderTest {
   public:
    std::string name() const override { return "reference with a straight-through round"; }
    eut::RunResult run(const graph::Graph& g, const eut::InputValues& inputs) override {
      graph::Graph h = g;
      std::function<void(graph::Block&)> walk = [&](graph::Block& b) {
        graph::Block out;
        for (graph::Statement& s : b) {
          if (auto* o = std::get_if<graph::OpStmt>(&s.node); o && o->op == "round") {
            const std::string r = o->result, x = o->operands[0];
            out.push_back(op(r + "__raw", "round", {x}));
            out.push_back(op(r + "__d", "sub", {r + "__raw", x}));
            out.push_back(op(r + "__s", "stop_gradient", {r + "__d"}));
            out.push_back(op(r, "add", {x, r + "__s"}));
            continue;
          }
          if (auto* rec = std::get_if<graph::Record>(&s.node)) walk(rec->body);
          else if (auto* sr = std::get_if<graph::StopRecording>(&s.node)) walk(sr->body);
          else if (auto* c = std::get_if<graph::Cond>(&s.node)) {
            walk(c->then_body);
            walk(c->else_body);
          } else if (auto* w = std::get_if<graph::While>(&s.node)) {
            walk(w->cond_body);
            walk(w->body);
          }
          out.push_back(std::move(s));
        }
        b = std::move(out);
      };
      walk(h.body);
      eut::RunResult r = eut::make_reference_engine()->run(h, inputs);
      for (auto it = r.values.begin(); it != r.values.end();)
        it = it->first.find("__") != std::string::npos ? r.values.erase(it) : std::next(it);
      return r;
    }
  };
  return std::make_unique<Leaky>();
}

// Runs `property` with fixed parameters (RC_PARAMS does not apply: the test must be the same
// everywhere) and returns the shrunk counterexample graph.
graph::Graph expect_failure_and_shrink(const std::function<void()>& property, const char* id) {
  rc::detail::TestParams params;
  params.seed = 20240601;
  params.maxSuccess = 100;
  params.maxSize = 40;
  rc::detail::TestMetadata meta;
  meta.id = id;
  meta.description = id;
  const rc::detail::TestResult result = rc::detail::checkProperty(rc::detail::toProperty(property), meta, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  std::cout << "[" << id << "] against a deliberately broken engine; the failure and the RC_PARAMS "
               "reproduce line printed at exit are expected:\n"
            << msg.str() << std::endl;
  rc::detail::FailureResult failure;
  if (!result.match(failure)) {
    ADD_FAILURE() << "the broken engine was not caught:\n" << msg.str();
    return {};
  }
  for (const auto& [type, value] : failure.counterExample) {
    try {
      return graph::parse_tcg(value);
    } catch (const std::exception&) {
    }
  }
  ADD_FAILURE() << "no graph in the counterexample";
  return {};
}

TEST(Shrinking, BrokenSinGradientIsCaughtByP1AndShrinksToAtMostFourOps) {
  const graph::Graph g = expect_failure_and_shrink(
      [] {
        GenOptions o;
        o.focus_op = &get_op("sin");
        const graph::Graph x = *genGraph(o);
        auto engine = broken_sin();
        const Case c = prepare(x, *engine);
        assert_no_mismatch(on_values(oracles::check_finite_differences(c.graph, c.inputs, c.run, fd_options(c.graph, c.specs)), c));
      },
      "Shrinking/BrokenSin");
  std::cout << "shrunk to " << op_count(g) << " ops:\n" << graph::print_tcg(g);
  EXPECT_GE(op_count(g), 1);
  EXPECT_LE(op_count(g), 4);
}

TEST(Shrinking, LeakyRoundIsCaughtByP2AndShrinksToAtMostFourOps) {
  const graph::Graph g = expect_failure_and_shrink(
      [] {
        GenOptions o;
        o.focus_op = &get_op("round");
        const graph::Graph x = *genGraph(o);
        auto engine = leaky_round();
        const Case c = prepare(x, *engine, /*allow_predicted_errors=*/true);
        assert_no_mismatch(oracles::check_connectivity(c.graph, c.inputs, c.run));
      },
      "Shrinking/LeakyRound");
  std::cout << "shrunk to " << op_count(g) << " ops:\n" << graph::print_tcg(g);
  EXPECT_GE(op_count(g), 1);
  EXPECT_LE(op_count(g), 4);
}

}  // namespace
}  // namespace tc::properties
