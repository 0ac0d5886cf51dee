#include "oracles/forward_mode.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>

#include "oracles/objective.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

constexpr const char* kOracle = "forward_mode";

struct Task {
  std::size_t source = 0;
  std::int64_t index = 0;  // element (per_element) or direction number
};

struct Slot {
  bool evaluated = false;
  double reference = 0, terms = 0;  // vᵀ(J u) and Σ|v_i (J u)_i|
  EntryCheck check;
  double engine_terms = 0;          // Σ|g_i u_i|
  double engine_rms = 0;            // sqrt(Σ (g_i u_i)²)
  double direction_norm = 1;        // ‖u‖₂ (1 for one element)
};

}  // namespace

std::vector<Finding> check_forward_mode(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ForwardModeOptions& opt) {
  std::vector<Finding> findings;
  const int threads = opt.threads > 0 ? opt.threads : omp_get_max_threads();
  const int n_statements = count_gradient_statements(g);
  for (int k = 0; k < n_statements; ++k) {
    const Objective o = make_objective(g, inputs, k);
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
      const auto n = static_cast<std::int64_t>(eg.value->data.size());
      const std::int64_t count = opt.per_element ? n : (n > 0 ? opt.directions : 0);
      for (std::int64_t j = 0; j < count; ++j) tasks.push_back({s, j});
    }
    first_task[n_sources] = tasks.size();
    const auto n_tasks = static_cast<std::int64_t>(tasks.size());

    // Directions u (null in per-element mode: u = e_index).
    std::vector<std::vector<double>> directions(opt.per_element ? 0 : tasks.size());
    for (std::size_t t = 0; t < directions.size(); ++t) {
      const std::uint64_t stream = mix_seed(opt.seed) ^ mix_seed(0x6a76ULL + static_cast<std::uint64_t>(k)) ^
                                   mix_seed((tasks[t].source << 20) + static_cast<std::uint64_t>(tasks[t].index));
      directions[t] = random_direction(engine[tasks[t].source]->data.size(), stream);
    }
    auto u = [&](std::size_t t, std::size_t i) {
      return opt.per_element ? (static_cast<std::int64_t>(i) == tasks[t].index ? 1.0 : 0.0)
                             : directions[t][i];
    };

    std::vector<Slot> slots(tasks.size());
    // The reverse side, <vᵀJ, u>, summed in element order.
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      const std::vector<double>& gv = engine[tasks[t].source]->data;
      double e = 0, terms = 0, squares = 0;
      if (opt.per_element) {
        e = gv[static_cast<std::size_t>(tasks[t].index)];
        terms = std::abs(e);
        squares = e * e;
      } else {
        for (std::size_t i = 0; i < gv.size(); ++i) {
          const double term = gv[i] * u(t, i);
          e += term;
          terms += std::abs(term);
          squares += term * term;
        }
      }
      slots[t].check.engine = e;
      slots[t].engine_terms = terms;
      slots[t].engine_rms = std::sqrt(squares);
      if (!opt.per_element) {
        double u2 = 0;
        for (std::size_t i = 0; i < gv.size(); ++i) u2 += u(t, i) * u(t, i);
        slots[t].direction_norm = std::sqrt(u2);
      }
    }

    // Pass 1: the forward side, vᵀ(J u), on dual numbers.
#pragma omp parallel num_threads(threads)
    {
      ObjectiveRunner<Dual> runner(o);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t ti = 0; ti < n_tasks; ++ti) {
        const auto t = static_cast<std::size_t>(ti);
        Slot& slot = slots[t];
        std::vector<Dual>& x = runner.source(tasks[t].source);
        if (opt.per_element) {
          x[static_cast<std::size_t>(tasks[t].index)].d = 1.0;
        } else {
          for (std::size_t i = 0; i < x.size(); ++i) x[i].d = directions[t][i];
        }
        try {
          double magnitude = 0;
          slot.reference = runner.run(false, &magnitude).d;
          slot.terms = magnitude;
          slot.evaluated = std::isfinite(slot.reference) && std::isfinite(slot.terms);
        } catch (const std::exception&) {
        }
        for (Dual& xi : x) xi.d = 0.0;
      }
    }
    std::vector<double> norm(n_sources, 0.0);
    if (opt.per_element)
      for (std::size_t t = 0; t < tasks.size(); ++t)
        if (slots[t].evaluated) norm[tasks[t].source] = std::max(norm[tasks[t].source], std::abs(slots[t].reference));

    // The engine's rounding observed on this graph (tolerance.hpp).
    const RoundingProbe rho = rounding_sensitivity(o, engine, opt.probe_seed, opt.threads);

    // Pass 2, in order (cheap): compare. A disagreement goes to the kink probe.
    std::vector<std::size_t> disagree;
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      Slot& slot = slots[t];
      EntryCheck& c = slot.check;
      c.reference = slot.reference;
      if (!slot.evaluated) {
        c.state = EntryCheck::State::inconclusive;
        c.why = "the dual-number evaluation failed or is not finite";
        continue;
      }
      c.error = rounding_bound(ctx, unit_roundoff(DType::f64), slot.terms);
      const double terms = std::max({slot.engine_terms, std::abs(c.reference), slot.terms, norm[tasks[t].source]});
      const double observed =
          rho.observed(tasks[t].source, opt.per_element ? terms : slot.engine_rms, slot.direction_norm);
      const Tolerance tol = tolerance(ctx, c.error, terms, observed);
      c.tolerance = tol.total();
      if (within(c.engine, c.reference, tol)) {
        c.state = EntryCheck::State::agree;
      } else if (!std::isfinite(c.engine) && o.has_where) {
        c.state = EntryCheck::State::inconclusive;
        c.why = "the engine's value is not finite and the graph has a where: TF lets a NaN of "
                "the untaken branch leak into the gradient (documented)";
      } else {
        disagree.push_back(t);
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
          const std::size_t t = disagree[static_cast<std::size_t>(k)];
          EntryCheck& c = slots[t].check;
          const std::vector<double>& x0 = o.base.at(o.statement.sources[tasks[t].source]);
          double scale = 1.0;
          if (opt.per_element)
            scale = std::max(std::abs(x0[static_cast<std::size_t>(tasks[t].index)]), 1.0);
          else
            for (double xi : x0) scale = std::max(scale, std::abs(xi));
          const bool kink = opt.per_element
                                ? near_kink(o, runner, tasks[t].source, tasks[t].index, nullptr, radius * scale)
                                : near_kink(o, runner, tasks[t].source, 0, &directions[t], radius * scale);
          if (kink) {
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
      findings.push_back(summarize(o, s, kOracle, entries, opt.per_element ? "element" : "direction",
                                   opt.per_element));
    }
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
