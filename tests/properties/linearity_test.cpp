// P8: a gradient is linear in its output_gradients v (R8). Negating v must negate every
// result exactly (a backward pass is linear in v and negation never rounds), v = 0 gives
// zeros (never None where a value was due, R5), and g(2a) = 2 g(a), g(a + b) = g(a) + g(b)
// within the engine's rounding (oracles/tolerance.hpp, with the observed rounding).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <random>

#include "eut/engine_under_test.hpp"
#include "oracles/comparison.hpp"
#include "oracles/objective.hpp"
#include "oracles/rounding_probe.hpp"
#include "oracles/tolerance.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"
#include "tests/properties/support.hpp"

namespace tc::properties {
namespace {

using Results = std::vector<std::optional<eut::Value>>;

Results run_with(eut::EngineUnderTest& engine, const Case& c, const std::string& og, const std::vector<double>& v,
                 std::size_t k) {
  eut::InputValues in = c.inputs;
  in[og].data = v;
  const eut::RunResult r = engine.run(c.graph, in);
  if (r.error) RC_LOG() << "output_gradients " << og << " changed: the run raised " << r.error->message;
  RC_ASSERT(!r.error.has_value());
  RC_ASSERT(r.gradients.size() > k);
  return r.gradients[k].values;
}

RC_GTEST_PROP(P8_Linearity, GradientIsLinearInOutputGradients, ()) {
  GenOptions o;
  o.require_output_gradients = true;
  o.second_order = false;
  const graph::Graph g = *genGraph(o);
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  const auto statements = gradient_statements(g);
  std::size_t k = 0;
  while (k < statements.size() && !statements[k]->output_gradients) ++k;
  RC_PRE(k < statements.size() && k < c.run.gradients.size());
  const std::string og = *statements[k]->output_gradients;
  RC_PRE(c.inputs.count(og) > 0);  // output_gradients that are graph inputs
  const std::vector<double> a = c.inputs.at(og).data;
  const Results ga = c.run.gradients[k].values;

  auto scaled = [](std::vector<double> v, double s) {
    for (double& x : v) x *= s;
    return v;
  };
  // Negation is exact in binary floating point, subnormals included (round-to-nearest is
  // symmetric), and so is a zero v: both are compared bit for bit.
  for (double s : {-1.0, 0.0}) {
    const Results gs = run_with(*engine, c, og, scaled(a, s), k);
    RC_ASSERT(gs.size() == ga.size());
    for (std::size_t i = 0; i < ga.size(); ++i) {
      RC_LOG() << "v scaled by " << s << ", source %" << statements[k]->sources[i] << "\n";
      RC_ASSERT(gs[i].has_value() == ga[i].has_value());
      if (!ga[i]) continue;
      for (std::size_t j = 0; j < ga[i]->data.size(); ++j) RC_ASSERT(gs[i]->data[j] == s * ga[i]->data[j]);
    }
  }
  const Results g2 = run_with(*engine, c, og, scaled(a, 2.0), k);

  // Additivity: b random, g(a + b) against g(a) + g(b).
  std::mt19937_64 rng(graph_seed(g));
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> b(a.size()), ab(a.size());
  for (std::size_t j = 0; j < a.size(); ++j) {
    b[j] = round_to_dtype(u(rng), c.inputs.at(og).dtype);
    ab[j] = a[j] + b[j];
  }
  const Results gb = run_with(*engine, c, og, b, k);
  const Results gab = run_with(*engine, c, og, ab, k);
  eut::InputValues in_ab = c.inputs;
  in_ab[og].data = ab;
  const oracles::Objective obj = oracles::make_objective(c.graph, in_ab, static_cast<int>(k));
  std::vector<const eut::Value*> engine_grads;
  for (const auto& x : gab) engine_grads.push_back(x ? &*x : nullptr);
  const oracles::RoundingProbe rho = obj.not_applicable.empty()
                                        ? oracles::rounding_sensitivity(obj, engine_grads, graph_seed(g), 1)
                                        : oracles::RoundingProbe{};
  const oracles::ToleranceContext ctx = tolerance_context(c, static_cast<int>(k));
  // Scaling by 2 is exact too unless something underflows (a subnormal product rounds
  // differently at twice the size): compared, like additivity, within the engine's rounding.
  // Terms are at least the scale of the computation (the largest value the run defined): a
  // gradient that cancels to ~0 still carries rounding relative to the terms that cancelled.
  double scale = 0;
  for (const auto& [name, v] : c.run.values)
    if (is_floating(v.dtype))
      for (double x : v.data) scale = std::max(scale, std::abs(x));
  auto within_rounding = [&](double e, double r, double terms, std::size_t source, const std::string& what) {
    terms = std::max(terms, scale);
    const oracles::Tolerance tol = oracles::tolerance(ctx, oracles::rounding_bound(ctx, ctx.engine_unit, terms),
                                                      terms, rho.observed(source, terms, 1.0));
    if (!oracles::within(e, r, tol))
      RC_LOG() << what << ": " << e << " vs " << r << ", tolerance " << tol.total() << "\n";
    RC_ASSERT(oracles::within(e, r, tol));
  };
  for (std::size_t i = 0; i < ga.size(); ++i) {
    RC_ASSERT(g2[i].has_value() == ga[i].has_value());
    if (!ga[i]) continue;
    double norm = 0;
    for (double x : ga[i]->data) norm = std::max(norm, 2 * std::abs(x));
    for (std::size_t j = 0; j < ga[i]->data.size(); ++j)
      within_rounding(g2[i]->data[j], 2 * ga[i]->data[j], std::max(norm, std::abs(g2[i]->data[j])), i,
                      "g(2a) vs 2 g(a), d/d%" + statements[k]->sources[i] + "[" + std::to_string(j) + "]");
  }
  for (std::size_t i = 0; i < ga.size(); ++i) {
    RC_ASSERT(gab[i].has_value() == ga[i].has_value());
    RC_ASSERT(gb[i].has_value() == ga[i].has_value());
    if (!ga[i]) continue;
    double norm = 0;
    for (std::size_t j = 0; j < ga[i]->data.size(); ++j)
      norm = std::max(norm, std::abs(ga[i]->data[j]) + std::abs(gb[i]->data[j]));
    for (std::size_t j = 0; j < ga[i]->data.size(); ++j) {
      const double sum = ga[i]->data[j] + gb[i]->data[j];
      const double e = gab[i]->data[j];
      within_rounding(e, sum, std::max({norm, std::abs(e), std::abs(sum)}), i,
                      "g(a+b) vs g(a) + g(b), d/d%" + statements[k]->sources[i] + "[" + std::to_string(j) + "]");
    }
  }
}

}  // namespace
}  // namespace tc::properties
