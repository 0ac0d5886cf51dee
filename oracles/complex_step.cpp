#include "oracles/complex_step.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>

#include "oracles/objective.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

constexpr const char* kOracle = "complex_step";

struct Task {
  std::size_t source = 0;
  std::int64_t index = 0;
};

struct Slot {
  bool evaluated = false;
  double reference = 0, terms = 0;
  EntryCheck check;
};

}  // namespace

std::vector<Finding> check_complex_step(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ComplexStepOptions& opt) {
  std::vector<Finding> findings;
  const int threads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
  const int n_statements = count_gradient_statements(g);
  for (int k = 0; k < n_statements; ++k) {
    Objective o = make_objective(g, inputs, k);
    if (o.not_applicable.empty() && !o.complex_ineligible.empty())
      o.not_applicable = "the derivative flows through " + o.complex_ineligible +
                         ", which has no complex extension (op table: complex_step_ok = false)";
    const ToleranceContext& ctx = o.tolerance;
    const std::size_t n_sources = o.statement.sources.size();

    std::vector<std::optional<Finding>> early(n_sources);
    std::vector<const eut::Value*> engine(n_sources, nullptr);
    std::vector<std::size_t> first_task(n_sources + 1, 0);
    std::vector<Task> tasks;
    for (std::size_t s = 0; s < n_sources; ++s) {
      first_task[s] = tasks.size();
      EngineGradient eg = engine_gradient(o, engine_result, s, kOracle);
      if (eg.finding) {
        early[s] = std::move(eg.finding);
        continue;
      }
      engine[s] = eg.value;
      for (std::size_t j = 0; j < eg.value->data.size(); ++j)
        tasks.push_back({s, static_cast<std::int64_t>(j)});
    }
    first_task[n_sources] = tasks.size();
    const auto n_tasks = static_cast<std::int64_t>(tasks.size());
    std::vector<Slot> slots(tasks.size());

    // Pass 1: Im f(x + i h e_j) / h for every element.
#pragma omp parallel num_threads(threads)
    {
      ObjectiveRunner<c128> runner(o);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t ti = 0; ti < n_tasks; ++ti) {
        const Task& t = tasks[static_cast<std::size_t>(ti)];
        Slot& slot = slots[static_cast<std::size_t>(ti)];
        std::vector<c128>& x = runner.source(t.source);
        const auto j = static_cast<std::size_t>(t.index);
        const double x0 = x[j].real();
        const double h = opt.step * std::max(std::abs(x0), 1.0);
        x[j] = c128(x0, h);
        try {
          double magnitude = 0;
          const c128 v = runner.run(false, &magnitude);
          slot.reference = v.imag() / h;
          slot.terms = magnitude / h;
          slot.evaluated = std::isfinite(slot.reference) && std::isfinite(slot.terms);
        } catch (const std::exception&) {
        }
        x[j] = c128(x0, 0.0);
      }
    }
    std::vector<double> norm(n_sources, 0.0);
    for (std::size_t t = 0; t < tasks.size(); ++t)
      if (slots[t].evaluated) norm[tasks[t].source] = std::max(norm[tasks[t].source], std::abs(slots[t].reference));

    // The engine's rounding observed on this graph (tolerance.hpp).
    const RoundingProbe rho = rounding_sensitivity(o, engine, opt.probe_seed, opt.threads);

    // Pass 2, in order (cheap): compare. A disagreement goes to the kink probe.
    std::vector<std::size_t> disagree;
    for (std::size_t ti = 0; ti < tasks.size(); ++ti) {
      const Task& t = tasks[ti];
      Slot& slot = slots[ti];
      EntryCheck& c = slot.check;
      c.engine = engine[t.source]->data[static_cast<std::size_t>(t.index)];
      c.reference = slot.reference;
      if (!slot.evaluated) {
        c.state = EntryCheck::State::inconclusive;
        c.why = "the complex evaluation failed or is not finite";
        continue;
      }
      c.error = rounding_bound(ctx, unit_roundoff(DType::f64), slot.terms);
      const double terms = std::max({std::abs(c.engine), std::abs(c.reference), slot.terms, norm[t.source]});
      const Tolerance tol = tolerance(ctx, c.error, terms, rho.observed(t.source, terms, 1.0));
      c.tolerance = tol.total();
      if (within(c.engine, c.reference, tol)) {
        c.state = EntryCheck::State::agree;
      } else if (!std::isfinite(c.engine) && o.has_where) {
        c.state = EntryCheck::State::inconclusive;
        c.why = "the engine's value is not finite and the graph has a where: TF lets a NaN of "
                "the untaken branch leak into the gradient (documented)";
      } else {
        disagree.push_back(ti);
      }
    }
    // Pass 3, in parallel where needed: a disagreement at a point on a kink is inconclusive.
    const double radius = kink_radius(ctx);
    const auto n_disagree = static_cast<std::int64_t>(disagree.size());
    if (n_disagree > 0) {
#pragma omp parallel num_threads(threads)
      {
        ObjectiveRunner<double> runner(o);
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t k = 0; k < n_disagree; ++k) {
          const std::size_t ti = disagree[static_cast<std::size_t>(k)];
          const Task& t = tasks[ti];
          EntryCheck& c = slots[ti].check;
          const double x0 = o.base.at(o.statement.sources[t.source])[static_cast<std::size_t>(t.index)];
          if (near_kink(o, runner, t.source, t.index, nullptr, radius * std::max(std::abs(x0), 1.0))) {
            c.state = EntryCheck::State::inconclusive;
            c.why = "the point lies on a kink, where the derivative is a convention";
          } else {
            c.state = EntryCheck::State::mismatch;
          }
        }
      }
    }

    for (std::size_t s = 0; s < n_sources; ++s) {
      if (early[s]) {
        findings.push_back(std::move(*early[s]));
        continue;
      }
      std::vector<EntryCheck> entries;
      for (std::size_t t = first_task[s]; t < first_task[s + 1]; ++t) entries.push_back(slots[t].check);
      findings.push_back(summarize(o, s, kOracle, entries, "element", true));
    }
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
