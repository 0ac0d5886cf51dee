// P2: the engine's None set equals the connectivity oracle's prediction exactly (R1–R13,
// including errors the oracle predicts: a second gradient() on a non-persistent tape).
// P3: unconnected_gradients = ZERO gives, for every source, a value of the source's shape and
// dtype: zeros where NONE mode gives None, the very same values elsewhere (R7).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <variant>

#include "eut/engine_under_test.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "tests/properties/support.hpp"

namespace tc::properties {
namespace {

void check_connectivity_property(const GenOptions& options) {
  const graph::Graph g = *genGraph(options);
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine, /*allow_predicted_errors=*/true);
  const auto findings = oracles::check_connectivity(c.graph, c.inputs, c.run);
  int none = 0, values = 0;
  for (const auto& gr : c.run.gradients)
    for (const auto& v : gr.values) (v ? values : none)++;
  RC_CLASSIFY(none > 0 && values > 0, "None and values");
  RC_CLASSIFY(none > 0 && values == 0, "only None");
  RC_CLASSIFY(none == 0, "no None");
  RC_CLASSIFY(c.run.error.has_value(), "raised (predicted)");
  assert_no_mismatch(findings);
}

RC_GTEST_PROP(P2_Connectivity, NoneSetEqualsPrediction, ()) { check_connectivity_property({}); }

// cond branches that yield an outer value unchanged (a common pattern: `yield %x`).
RC_GTEST_PROP(P2_Connectivity, CondBranchesYieldingOuterValues, ()) {
  GenOptions o;
  o.require_cond = true;
  o.identity_yields = true;
  check_connectivity_property(o);
}

RC_GTEST_PROP(P2_Connectivity, NoneSetEqualsPredictionWithTapeErrors, ()) {
  GenOptions o;
  o.require_tape_error = true;
  check_connectivity_property(o);
}

graph::Graph with_zero_mode(graph::Graph g) {
  std::function<void(graph::Block&)> walk = [&](graph::Block& b) {
    for (graph::Statement& s : b) {
      if (auto* gr = std::get_if<graph::Gradient>(&s.node)) gr->unconnected = graph::Unconnected::zero;
      else if (auto* r = std::get_if<graph::Record>(&s.node)) walk(r->body);
      else if (auto* sr = std::get_if<graph::StopRecording>(&s.node)) walk(sr->body);
    }
  };
  walk(g.body);
  return g;
}

RC_GTEST_PROP(P3_ZeroMode, ZerosOfTheSourcesShapeAndDtypeWhereNoneIsDue, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  const graph::Graph z = with_zero_mode(g);
  const eut::RunResult rz = engine->run(z, c.inputs);
  if (rz.error) RC_LOG() << "ZERO mode raised: " << rz.error->message;
  RC_ASSERT(!rz.error.has_value());
  RC_ASSERT(rz.gradients.size() == c.run.gradients.size());
  const auto statements = gradient_statements(g);
  int zero_filled = 0;
  for (std::size_t k = 0; k < rz.gradients.size(); ++k) {
    const auto& none_mode = c.run.gradients[k].values;
    const auto& zero_mode = rz.gradients[k].values;
    RC_ASSERT(zero_mode.size() == none_mode.size());
    for (std::size_t i = 0; i < zero_mode.size(); ++i) {
      const std::string& source = k < statements.size() ? statements[k]->sources[i] : "?";
      RC_LOG() << "gradient #" << k << " source %" << source;
      RC_ASSERT(zero_mode[i].has_value());
      const TensorSpec& spec = c.specs.at(source);
      RC_ASSERT(zero_mode[i]->dtype == spec.dtype);
      RC_ASSERT(zero_mode[i]->shape == spec.shape);
      if (!none_mode[i]) {
        ++zero_filled;
        for (double x : zero_mode[i]->data) RC_ASSERT(x == 0.0);
      } else {
        RC_ASSERT(zero_mode[i]->data == none_mode[i]->data);
      }
    }
  }
  RC_CLASSIFY(zero_filled > 0, "some results zero-filled");
  assert_no_mismatch(oracles::check_connectivity(z, c.inputs, rz));
}

// A zero fill is what R7 demands, so no numerical oracle may call it a mismatch: each one
// must see that the source is not connected (not watched, cut, no path) and not compare the
// zeros with the derivative of the plain function.
// Regression (found by this property): with unconnected=zero the numerical oracles used to
// compare a zero-filled gradient of an unwatched source with the derivative. Minimal graph:
//   input %x1: f32[] constant values(0)
//   tape t
//   %g0 = grad t %x1 wrt %x1        (with unconnected=zero)
// The engine's 0 is right (R2, R7, R8); FD expected 1.
RC_GTEST_PROP(P3_ZeroMode, NumericalOraclesAcceptZeroFills, ()) {
  const graph::Graph g = with_zero_mode(*genGraph());
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  const auto p = oracles::predict_connectivity(c.graph, c.inputs);
  bool filled = false;
  for (const auto& gp : p.gradients)
    for (const auto& sp : gp.sources) filled = filled || sp.zero_filled;
  RC_CLASSIFY(filled, "some results zero-filled");
  oracles::ForwardModeOptions fm;
  fm.threads = 1;
  oracles::ComplexStepOptions cs;
  cs.threads = 1;
  assert_no_mismatch(oracles::check_finite_differences(c.graph, c.inputs, c.run, fd_options(c.graph, c.specs)));
  assert_no_mismatch(oracles::check_forward_mode(c.graph, c.inputs, c.run, fm));
  assert_no_mismatch(oracles::check_complex_step(c.graph, c.inputs, c.run, cs));
}

}  // namespace
}  // namespace tc::properties
