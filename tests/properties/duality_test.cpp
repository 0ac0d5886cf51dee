// P4: JVP/VJP duality <v, J u> = <vᵀJ, u>, twice: the forward-mode oracle (J u on dual numbers,
// independent of the engine) against the engine's VJP, and the engine's own JVP (by double
// backward) against its VJP. P5: complex-step agreement on analytic graphs (ops with a complex
// extension and no kinks only).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <random>

#include "eut/engine_under_test.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/forward_mode.hpp"
#include "oracles/objective.hpp"
#include "oracles/tolerance.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "tests/properties/support.hpp"

namespace tc::properties {
namespace {

RC_GTEST_PROP(P4_Duality, ForwardModeOracleAgreesWithVjp, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  oracles::ForwardModeOptions o;
  o.threads = 1;
  o.seed = graph_seed(g);
  const auto findings = on_values(oracles::check_forward_mode(c.graph, c.inputs, c.run, o), c);
  classify_findings(findings);
  assert_no_mismatch(findings);
}

// The engine's JVP (EngineUnderTest::jvp) dotted with v against its VJP dotted with u, for
// the first gradient statement when the tape's function is the plain forward (nothing frozen,
// every source an input): tangents go to the sources whose gradient is a value (not None, not
// an R7 zero fill — the engine's JVP knows nothing of watching).
RC_GTEST_PROP(P4_Duality, EngineJvpAgreesWithEngineVjp, ()) {
  const graph::Graph g = *genGraph();
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  RC_PRE(!c.run.gradients.empty());
  const oracles::Objective obj = oracles::make_objective(c.graph, c.inputs, 0);
  RC_PRE(obj.not_applicable.empty() && obj.frozen.empty());
  const auto& grads = c.run.gradients[0].values;
  std::mt19937_64 rng(graph_seed(g));
  std::uniform_real_distribution<double> mag(0.5, 1.0);
  eut::InputValues tangents;
  double vjp_u = 0, vjp_terms = 0, vjp_rms = 0;
  std::vector<const eut::Value*> engine_grads;
  for (std::size_t s = 0; s < obj.sources.size(); ++s) {
    engine_grads.push_back(grads[s] ? &*grads[s] : nullptr);
    if (!obj.sources[s].why_not.empty() || !grads[s] || zero_filled(c, 0, obj.sources[s].name)) continue;
    eut::Value u{obj.sources[s].spec.dtype, obj.sources[s].spec.shape, {}};
    for (std::size_t j = 0; j < grads[s]->data.size(); ++j) {
      const double uj = (rng() & 1 ? 1 : -1) * mag(rng);
      u.data.push_back(uj);
      vjp_u += grads[s]->data[j] * uj;
      vjp_terms += std::abs(grads[s]->data[j] * uj);
      vjp_rms += grads[s]->data[j] * uj * grads[s]->data[j] * uj;
    }
    tangents[obj.sources[s].name] = u;
  }
  RC_PRE(!tangents.empty());
  const auto jvp = engine->jvp(c.graph, c.inputs, tangents);
  RC_PRE(jvp.has_value());
  const auto it = jvp->find(obj.statement.target);
  RC_ASSERT(it != jvp->end());
  const std::vector<double>& ju = it->second.data;
  RC_ASSERT(ju.size() == obj.cotangent.size());
  double jvp_v = 0, jvp_terms = 0;
  for (std::size_t i = 0; i < ju.size(); ++i) {
    jvp_v += obj.cotangent[i] * ju[i];
    jvp_terms += std::abs(obj.cotangent[i] * ju[i]);
  }
  const double terms = std::max({vjp_terms, jvp_terms, std::abs(vjp_u), std::abs(jvp_v)});
  const std::vector<double> rho = oracles::rounding_sensitivity(obj, engine_grads, graph_seed(g), 1);
  double rho_max = 0;
  for (double r : rho) rho_max = std::max(rho_max, r);
  // Both numbers are the engine's, each rounded in its precision: the JVP side is given the
  // rounding bound an oracle would claim for it, the VJP side the engine's allowance.
  const oracles::ToleranceContext& ctx = obj.tolerance;
  const oracles::Tolerance tol = oracles::tolerance(
      ctx, oracles::rounding_bound(ctx, ctx.engine_unit, terms), terms, rho_max * std::sqrt(vjp_rms));
  RC_LOG() << "<v, J u> = " << jvp_v << " (engine JVP), <vᵀJ, u> = " << vjp_u
           << " (engine VJP), tolerance " << tol.total();
  RC_ASSERT(oracles::within(jvp_v, vjp_u, tol));
}

RC_GTEST_PROP(P5_ComplexStep, AgreesOnAnalyticGraphs, ()) {
  GenOptions o;
  o.analytic_only = true;
  const graph::Graph g = *genGraph(o);
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  oracles::ComplexStepOptions cs;
  cs.threads = 1;
  const auto findings = on_values(oracles::check_complex_step(c.graph, c.inputs, c.run, cs), c);
  bool applicable = false;
  for (const auto& f : findings) applicable = applicable || f.outcome == oracles::Outcome::agree;
  RC_CLASSIFY(applicable, "complex step applied");
  classify_findings(findings);
  assert_no_mismatch(findings);
}

}  // namespace
}  // namespace tc::properties
