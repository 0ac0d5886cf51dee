#include "oracles/forward_mode.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "oracles/objective.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

constexpr const char* kOracle = "forward_mode";

}  // namespace

std::vector<Finding> check_forward_mode(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ForwardModeOptions& opt) {
  std::vector<Finding> findings;
  const int threads = threads_or_default(opt.threads);
  const int n_statements = count_gradient_statements(g);
  for (int k = 0; k < n_statements; ++k) {
    const Objective o = make_objective(g, inputs, k);
    // Directions u (none per element: u = e_index), and the reverse side <vᵀJ, u>.
    EntryPlan plan = plan_entries(o, engine_result, kOracle, opt.per_element,
                                  DirectionDraw{opt.directions, opt.seed, 0x6a76ULL});
    const std::vector<EntryTask>& tasks = plan.tasks;
    const auto n_tasks = static_cast<std::int64_t>(tasks.size());
    // vᵀ(J u) and Σ|v_i (J u)_i|.
    std::vector<PropagatedReference> references(tasks.size());

    // Pass 1: the forward side, vᵀ(J u), on dual numbers.
#pragma omp parallel num_threads(threads)
    {
      ObjectiveRunner<Dual> runner(o);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t ti = 0; ti < n_tasks; ++ti) {
        const auto t = static_cast<std::size_t>(ti);
        PropagatedReference& ref = references[t];
        std::vector<Dual>& x = runner.source(tasks[t].source);
        if (opt.per_element) {
          x[static_cast<std::size_t>(tasks[t].index)].d = 1.0;
        } else {
          for (std::size_t i = 0; i < x.size(); ++i) x[i].d = plan.directions[t][i];
        }
        try {
          double magnitude = 0;
          ref.value = runner.run(false, &magnitude).d;
          ref.terms = magnitude;
          ref.evaluated = std::isfinite(ref.value) && std::isfinite(ref.terms);
        } catch (const std::exception&) {
        }
        for (Dual& xi : x) xi.d = 0.0;
      }
    }

    // The engine's rounding observed on this graph (tolerance.hpp).
    const RoundingProbe rho = rounding_sensitivity(o, plan.engine, opt.probe_seed, opt.threads);

    // Passes 2 and 3: compare; a disagreement at a point on a kink is inconclusive.
    const std::vector<EntryCheck> checks =
        compare_propagated(o, plan, references, rho, "the dual-number evaluation failed or is not finite", threads);
    append_source_findings(o, plan, checks, kOracle, findings);
  }
  return findings;
}

std::vector<std::vector<Finding>> check_forward_mode(const std::vector<OracleCase>& cases, const ForwardModeOptions& options) {
  return check_cases(cases, options.threads, [&](const OracleCase& c, int threads) {
    ForwardModeOptions one = options;
    one.threads = threads;
    return check_forward_mode(*c.graph, *c.inputs, *c.result, one);
  });
}

}  // namespace tc::oracles
