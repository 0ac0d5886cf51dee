// The generator's self-test: generated graphs validate, print and parse back to the same text,
// keep every operand inside its op's domain, and run on the reference engine without an error
// (or with exactly the error a knob asks for).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "eut/engine_under_test.hpp"
#include "eut/inputs.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"
#include "oracles/connectivity.hpp"
#include "properties/concrete.hpp"
#include "properties/generators.hpp"
#include "properties/shrink.hpp"

namespace tc::properties {
namespace {

void expect_runs_clean(const graph::Graph& g) {
  const std::string text = graph::print_tcg(g);
  RC_LOG() << text;
  graph::validate(g);
  const graph::Graph back = graph::parse_tcg(text);
  RC_ASSERT(graph::print_tcg(back) == text);
  const eut::InputValues inputs = eut::materialize_inputs(g, {});
  const eut::RunResult run = eut::make_reference_engine()->run(g, inputs);
  if (run.error) RC_LOG() << "engine error: " << run.error->message;
  RC_ASSERT(!run.error.has_value());
  const ConcreteRun cr = run_concrete(g, inputs, &run.values, 1.0);
  if (cr.error) RC_LOG() << "forward: " << *cr.error;
  RC_ASSERT(!cr.error.has_value());
  for (const DomainViolation& v : cr.violations)
    RC_LOG() << "%" << v.operand << " outside the domain of " << v.op << " input " << v.slot << " at %" << v.result;
  RC_ASSERT(cr.violations.empty());
}

RC_GTEST_PROP(Generator, GraphsValidateRoundTripAndRunClean, ()) {
  expect_runs_clean(*rc::gen::noShrink(genGraph()));
}

// A knob that asks for an error gets exactly that error, and the connectivity oracle
// predicts it (R9: a second gradient() on a non-persistent tape).
RC_GTEST_PROP(Generator, TapeErrorKnobGivesThePredictedError, ()) {
  GenOptions o;
  o.require_tape_error = true;
  o.second_order = false;
  const graph::Graph g = *rc::gen::noShrink(genGraph(o));
  RC_LOG() << graph::print_tcg(g);
  const eut::InputValues inputs = eut::materialize_inputs(g, {});
  const eut::RunResult run = eut::make_reference_engine()->run(g, inputs);
  RC_ASSERT(run.error.has_value());
  RC_ASSERT(run.error->kind == "tape");
  const auto p = oracles::predict_connectivity(g, inputs);
  RC_ASSERT(p.error.has_value());
}

// The knobs that turn features off are obeyed, and analytic graphs hold only analytic ops.
RC_GTEST_PROP(Generator, KnobsAreObeyed, ()) {
  GenOptions o;
  o.f32 = *rc::gen::arbitrary<bool>();
  o.f64 = !o.f32;
  o.cond = o.while_loop = o.second_order = false;
  o.integer_paths = false;
  o.analytic_only = *rc::gen::arbitrary<bool>();
  const graph::Graph g = *rc::gen::noShrink(genGraph(o));
  RC_LOG() << graph::print_tcg(g);
  const GraphFacts f = facts(g);
  RC_ASSERT(!f.has_cond && !f.has_while && !f.second_order && !f.i32);
  const bool one_dtype = o.f32 ? !f.f64 : !f.f32;
  RC_ASSERT(one_dtype);
  expect_runs_clean(g);
}

// Every shrink candidate validates and has at most as many ops as the graph it came from.
RC_GTEST_PROP(Generator, ShrinkCandidatesAreValidAndNotLarger, ()) {
  const graph::Graph g = *rc::gen::noShrink(genGraph());
  const int n = op_count(g);
  int k = 0;
  for (const graph::Graph& c : shrink_candidates(g)) {
    if (++k > 40) break;
    RC_LOG() << graph::print_tcg(c);
    graph::validate(c);
    RC_ASSERT(op_count(c) <= n);
    RC_ASSERT(graph::print_tcg(c) != graph::print_tcg(g));
  }
}

}  // namespace
}  // namespace tc::properties
