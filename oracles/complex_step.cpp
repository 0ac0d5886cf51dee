#include "oracles/complex_step.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "oracles/objective.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

constexpr const char* kOracle = "complex_step";

}  // namespace

std::vector<Finding> check_complex_step(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ComplexStepOptions& opt) {
  std::vector<Finding> findings;
  const int threads = threads_or_default(opt.threads);
  const int n_statements = count_gradient_statements(g);
  for (int k = 0; k < n_statements; ++k) {
    Objective o = make_objective(g, inputs, k);
    if (o.not_applicable.empty() && !o.complex_ineligible.empty())
      o.not_applicable = "the derivative flows through " + o.complex_ineligible +
                         ", which has no complex extension (op table: complex_step_ok = false)";
    EntryPlan plan = plan_entries(o, engine_result, kOracle, /*per_element=*/true);
    const std::vector<EntryTask>& tasks = plan.tasks;
    const auto n_tasks = static_cast<std::int64_t>(tasks.size());
    std::vector<PropagatedReference> references(tasks.size());

    // Pass 1: Im f(x + i h e_j) / h for every element.
#pragma omp parallel num_threads(threads)
    {
      ObjectiveRunner<c128> runner(o);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t ti = 0; ti < n_tasks; ++ti) {
        const EntryTask& t = tasks[static_cast<std::size_t>(ti)];
        PropagatedReference& ref = references[static_cast<std::size_t>(ti)];
        std::vector<c128>& x = runner.source(t.source);
        const auto j = static_cast<std::size_t>(t.index);
        const double x0 = x[j].real();
        const double h = opt.step * std::max(std::abs(x0), 1.0);
        x[j] = c128(x0, h);
        try {
          double magnitude = 0;
          const c128 v = runner.run(false, &magnitude);
          ref.value = v.imag() / h;
          ref.terms = magnitude / h;
          ref.evaluated = std::isfinite(ref.value) && std::isfinite(ref.terms);
        } catch (const std::exception&) {
        }
        x[j] = c128(x0, 0.0);
      }
    }

    // The engine's rounding observed on this graph (tolerance.hpp).
    const RoundingProbe rho = rounding_sensitivity(o, plan.engine, opt.probe_seed, opt.threads);

    // Passes 2 and 3: compare; a disagreement at a point on a kink is inconclusive.
    const std::vector<EntryCheck> checks =
        compare_propagated(o, plan, references, rho, "the complex evaluation failed or is not finite", threads);
    append_source_findings(o, plan, checks, kOracle, findings);
  }
  return findings;
}

std::vector<std::vector<Finding>> check_complex_step(const std::vector<OracleCase>& cases, const ComplexStepOptions& options) {
  return check_cases(cases, options.threads, [&](const OracleCase& c, int threads) {
    ComplexStepOptions one = options;
    one.threads = threads;
    return check_complex_step(*c.graph, *c.inputs, *c.result, one);
  });
}

}  // namespace tc::oracles
