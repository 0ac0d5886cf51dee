// P4: JVP/VJP duality <v, J u> = <vᵀJ, u>, twice: the forward-mode oracle (J u on dual numbers,
// independent of the engine) against the engine's VJP, and the engine's own JVP (by double
// backward) against its VJP. P5: complex-step agreement on analytic graphs (ops with a complex
// extension and no kinks only).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <set>

#include "eut/engine_under_test.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/forward_mode.hpp"
#include "oracles/comparison.hpp"
#include "oracles/objective.hpp"
#include "oracles/rounding_probe.hpp"
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

// <v, J u> from the engine's JVP and <vᵀJ, u> from its VJP at `inputs`, with the sums of
// the absolute terms behind each.
struct Dots {
  double jvp = 0, vjp = 0, jvp_terms = 0, vjp_terms = 0, vjp_rms = 0;
};

std::optional<Dots> dots(eut::EngineUnderTest& engine, const graph::Graph& g, const eut::InputValues& inputs,
                         const eut::InputValues& tangents, const oracles::Objective& obj,
                         const std::vector<std::optional<eut::Value>>& grads) {
  Dots d;
  std::set<std::string> seen;
  for (std::size_t s = 0; s < obj.sources.size(); ++s) {
    const auto u = tangents.find(obj.sources[s].name);
    if (u == tangents.end() || !seen.insert(u->first).second || !grads[s]) continue;
    for (std::size_t j = 0; j < grads[s]->data.size(); ++j) {
      const double t = grads[s]->data[j] * u->second.data[j];
      d.vjp += t;
      d.vjp_terms += std::abs(t);
      d.vjp_rms += t * t;
    }
  }
  d.vjp_rms = std::sqrt(d.vjp_rms);
  const auto jvp = engine.jvp(g, inputs, tangents);
  if (!jvp) return std::nullopt;
  const auto it = jvp->find(obj.statement.target);
  RC_ASSERT(it != jvp->end());
  RC_ASSERT(it->second.data.size() == obj.cotangent.size());
  for (std::size_t i = 0; i < obj.cotangent.size(); ++i) {
    d.jvp += obj.cotangent[i] * it->second.data[i];
    d.jvp_terms += std::abs(obj.cotangent[i] * it->second.data[i]);
  }
  return d;
}

// The engine's JVP (EngineUnderTest::jvp, by double backward) dotted with v against its VJP
// dotted with u, for the first gradient statement when the tape's function is the plain
// forward (nothing frozen, every source an input): tangents go to the sources whose gradient
// is a value (not None, not an R7 zero fill — the engine's JVP knows nothing of watching).
// Both sides are the engine's own numbers, so the allowance is the tolerance model's with the
// terms at least the scale of the computation, plus the engine's rounding as observed: both
// dot products recomputed at inputs moved by a few units in the last place.
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
  std::vector<const eut::Value*> engine_grads;
  for (std::size_t s = 0; s < obj.sources.size(); ++s) {
    engine_grads.push_back(grads[s] ? &*grads[s] : nullptr);
    if (!obj.sources[s].why_not.empty() || !grads[s] || zero_filled(c, 0, obj.sources[s].name)) continue;
    if (!c.inputs.count(obj.sources[s].name)) continue;  // an intermediate: the engine's JVP seeds inputs only
    if (tangents.count(obj.sources[s].name)) continue;  // a source listed twice: count it once
    eut::Value u{obj.sources[s].spec.dtype, obj.sources[s].spec.shape, {}};
    for (std::size_t j = 0; j < grads[s]->data.size(); ++j) u.data.push_back((rng() & 1 ? 1 : -1) * mag(rng));
    tangents[obj.sources[s].name] = u;
  }
  RC_PRE(!tangents.empty());
  const auto base = dots(*engine, c.graph, c.inputs, tangents, obj, grads);
  RC_PRE(base.has_value());

  const oracles::ToleranceContext& ctx = obj.tolerance;
  double noise = 0;
  std::uniform_real_distribution<double> jitter(-4 * ctx.engine_unit, 4 * ctx.engine_unit);
  for (int k = 0; k < 2; ++k) {
    eut::InputValues moved = c.inputs;
    for (const auto& [name, u] : tangents)
      for (double& x : moved.at(name).data) x = round_to_dtype(x * (1 + jitter(rng)), moved.at(name).dtype);
    const eut::RunResult r = engine->run(c.graph, moved);
    if (r.error || r.gradients.empty()) continue;
    const auto d = dots(*engine, c.graph, moved, tangents, obj, r.gradients[0].values);
    if (!d) continue;
    noise = std::max({noise, std::abs(d->jvp - base->jvp), std::abs(d->vjp - base->vjp)});
  }
  // The scale of the computation: the largest magnitude of any value the run defined. Where
  // terms of that size cancel to ~0 (reduce_sum of a softmax is identically 1), the engine's
  // rounding is relative to them, not to the tiny result; neither the a-priori model (scaled
  // by the results) nor the observed noise (the residue is quantised in ulps of the terms and
  // may not move) sees that.
  double scale = 0;
  for (const auto& [name, v] : c.run.values)
    if (is_floating(v.dtype))
      for (double x : v.data) scale = std::max(scale, std::abs(x));
  const double terms =
      std::max({base->vjp_terms, base->jvp_terms, std::abs(base->vjp), std::abs(base->jvp), scale});
  // The probe's rounding: relative to the VJP's terms, or per unit of each source's direction.
  const oracles::RoundingProbe rho = oracles::rounding_sensitivity(obj, engine_grads, graph_seed(g), 1);
  double observed = 4 * noise, per_direction = 0;
  for (std::size_t s = 0; s < obj.sources.size(); ++s) {
    observed = std::max(observed, rho.relative[s] * base->vjp_rms);
    const auto u = tangents.find(obj.sources[s].name);
    if (u == tangents.end()) continue;
    double u2 = 0;
    for (double x : u->second.data) u2 += x * x;
    per_direction += rho.per_unit[s] * std::sqrt(u2);
  }
  observed = std::max(observed, per_direction);
  const oracles::Tolerance tol =
      oracles::tolerance(ctx, oracles::rounding_bound(ctx, ctx.engine_unit, terms), terms, observed);
  RC_LOG() << "<v, J u> = " << base->jvp << " (engine JVP), <vᵀJ, u> = " << base->vjp
           << " (engine VJP), observed rounding noise " << noise << ", tolerance " << tol.total() << "\n";
  RC_ASSERT(oracles::within(base->jvp, base->vjp, tol));
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
