#include "oracles/propagated.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>

#include "oracles/tolerance.hpp"

namespace tc::oracles {

std::vector<EntryCheck> compare_propagated(const Objective& o, const EntryPlan& plan,
                                           const std::vector<PropagatedReference>& references,
                                           const RoundingProbe& rho, const char* not_evaluated,
                                           bool kinks_judged, int threads) {
  const ToleranceContext& ctx = o.tolerance;
  const std::vector<EntryTask>& tasks = plan.tasks;
  // Each source's largest reference element (a direction's value is no element's scale).
  std::vector<double> norm(plan.engine.size(), 0.0);
  if (plan.per_element)
    for (std::size_t t = 0; t < tasks.size(); ++t)
      if (references[t].evaluated)
        norm[tasks[t].source] = std::max(norm[tasks[t].source], std::abs(references[t].value));

  // In order (cheap): compare. A disagreement goes to the kink probe.
  std::vector<EntryCheck> checks(tasks.size());
  std::vector<std::size_t> disagree;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const PropagatedReference& ref = references[t];
    const EngineEntry& engine = plan.engine_entries[t];
    EntryCheck& c = checks[t];
    c.engine = engine.value;
    c.reference = ref.value;
    if (!ref.evaluated) {
      c.state = EntryCheck::State::inconclusive;
      c.why = not_evaluated;
      c.reason = "non_finite";
      continue;
    }
    // The reference's own rounding: relative to its terms and to the largest derivative part
    // it carried (softmax's normalisation cancels tangents of size 1 into a derivative of
    // 1e-19, and the f64 rounding of those 1s is the error). The engine's allowance below
    // stays relative to the terms alone.
    c.error = rounding_bound(ctx, unit_roundoff(DType::f64), std::max(ref.terms, ref.carried));
    const double terms = std::max({engine.terms, std::abs(c.reference), ref.terms, norm[tasks[t].source]});
    const double observed =
        rho.observed(tasks[t].source, plan.per_element ? terms : engine.rms, engine.direction_norm);
    Tolerance tol = tolerance(ctx, c.error, terms, observed);
    if (!within(c.engine, c.reference, tol))
      tol = tolerance(ctx, c.error, terms,
                      std::max(observed, rho.per_node(tasks[t].source, tasks[t].index,
                                                      plan.per_element ? nullptr : &plan.directions[t])));
    c.tolerance = tol.total();
    if (within(c.engine, c.reference, tol))
      c.state = EntryCheck::State::agree;
    else if (!excuse_nan_leaked_by_where(o, c))
      disagree.push_back(t);
  }

  // In parallel where needed: a disagreement at a point on a kink is inconclusive.
  const double radius = kink_radius(ctx);
  const auto n_disagree = static_cast<std::int64_t>(disagree.size());
  if (n_disagree > 0) {
#pragma omp parallel num_threads(threads)
    {
      ObjectiveRunner<double> runner(o);
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t k = 0; k < n_disagree; ++k) {
        const std::size_t t = disagree[static_cast<std::size_t>(k)];
        const EntryTask& task = tasks[t];
        EntryCheck& c = checks[t];
        if (references[t].off_base_branches) {
          c.state = EntryCheck::State::inconclusive;
          c.why = "the oracle's perturbation took another branch than the point (a kink at the point)";
          c.reason = "kink";
          continue;
        }
        // The probe's reach scales with the point: the element, or the source's largest one.
        const std::vector<double>& x0 = o.base.at(o.sources[task.source].name);
        const double scale = plan.per_element ? std::max(std::abs(x0[static_cast<std::size_t>(task.index)]), 1.0)
                                              : point_scale(x0);
        const NearKink kink = plan.per_element
                                  ? near_kink(o, runner, task.source, task.index, nullptr, radius * scale)
                                  : near_kink(o, runner, task.source, 0, &plan.directions[t], radius * scale);
        if (kink == NearKink::branch && kinks_judged) {
          c.state = EntryCheck::State::mismatch;
          c.why = "at a kink, where the engine declares the op table's rule (docs/engine.md, \"Kinks\"): "
                  "its derivative is not the one the rule gives";
        } else if (kink == NearKink::branch) {
          c.state = EntryCheck::State::inconclusive;
          c.why = "the point lies on a kink, where the derivative is a convention";
          c.reason = "kink";
        } else if (kink == NearKink::edge) {
          c.state = EntryCheck::State::inconclusive;
          c.why = "the point lies at the edge of an op's domain (the function is not finite on one side), where "
                  "no rule states the derivative and the oracle's own step is not exact";
          c.reason = "kink";
        } else {
          c.state = EntryCheck::State::mismatch;
        }
      }
    }
  }
  return checks;
}

template <class S>
std::vector<Finding> check_propagated(const graph::Graph& g, const eut::InputValues& inputs,
                                      const eut::RunResult& engine_result, const Propagation<S>& how,
                                      int threads, std::uint64_t probe_seed) {
  return check_propagated(PreparedObjectives(g, inputs, how.semantics ? *how.semantics : eut::tf_profile()),
                          engine_result, how, threads, probe_seed);
}

template <class S>
std::vector<Finding> check_propagated(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                      const Propagation<S>& how, int threads, std::uint64_t probe_seed) {
  std::vector<Finding> findings;
  const int team = threads_or_default(threads);
  for (int k = 0; k < prepared.count(); ++k) {
    // The prepared objective, or a copy saying why this oracle refuses it (nothing runs then).
    std::optional<Objective> refused;
    if (const Objective& shared = prepared.objective(k); shared.not_applicable.empty() && how.refuses)
      if (std::string why = how.refuses(shared); !why.empty()) {
        refused = shared;
        refused->not_applicable = std::move(why);
      }
    const Objective& o = refused ? *refused : prepared.objective(k);
    EntryPlan plan = plan_entries(o, engine_result, how.oracle, how.per_element, how.directions);
    const std::vector<EntryTask>& tasks = plan.tasks;
    const auto n_tasks = static_cast<std::int64_t>(tasks.size());
    std::vector<PropagatedReference> references(tasks.size());
    double largest_cotangent = 0;
    for (double v : o.cotangent) largest_cotangent = std::max(largest_cotangent, std::abs(v));

    // f at entry t's perturbation with `step`, its derivative part and terms read off.
    auto propagate = [&](ObjectiveRunner<S>& runner, std::size_t t, double step) {
      PropagatedReference ref;
      const double scale =
          how.perturb(runner.source(tasks[t].source), tasks[t], how.per_element ? nullptr : &plan.directions[t], step);
      try {
        double magnitude = 0;
        const S v = runner.run(true, &magnitude);
        ref.off_base_branches = !same_branches(runner.branches(), o.branches);
        ref.value = how.derivative(v) / scale;
        ref.terms = magnitude / scale;
        ref.carried = runner.largest_part(/*with_inputs=*/true) * largest_cotangent / scale;
        ref.evaluated = std::isfinite(ref.value) && std::isfinite(ref.terms) && std::isfinite(ref.carried);
      } catch (const std::exception&) {
      }
      runner.restore(tasks[t].source);
      return ref;
    };

    // Pass 1: every entry.
    if (n_tasks > 0) {
#pragma omp parallel num_threads(team)
      {
        const RunnerLease<S> lease = prepared.runner<S>(k);
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t ti = 0; ti < n_tasks; ++ti)
          references[static_cast<std::size_t>(ti)] = propagate(*lease, static_cast<std::size_t>(ti), how.step);
      }
    }

    // The engine's rounding observed on this graph (tolerance.hpp).
    // Shared with the other oracles of the check where the objective is the prepared one.
    const RoundingProbe& rho = refused ? rounding_sensitivity(o, plan.engine, probe_seed, threads)
                                       : prepared.rounding_probe(k, plan.engine, probe_seed, threads);

    // Kinks are judged only where this oracle's evaluation decides every kink as the f64
    // evaluation does (its arithmetic on S may round a value to the other side of a tie).
    bool kinks_judged = how.judge_kink_rules && o.not_applicable.empty() && o.tolerance.engine_unit == 0x1p-53;
    if (kinks_judged) {
      try {
        const RunnerLease<S> lease = prepared.runner<S>(k);
        lease->run(true);
        kinks_judged = same_branches(lease->branches(), o.branches);
      } catch (const std::exception&) {
        kinks_judged = false;
      }
    }

    // Passes 2 and 3: compare; a disagreement at a point on a kink is inconclusive, or judged.
    std::vector<EntryCheck> checks = compare_propagated(o, plan, references, rho, how.not_evaluated, kinks_judged, team);
    // A step is exact only where f is analytic on its scale: a complex step of 1e-20 on f32
    // subnormals whose spread is 2e-39 (reduce_std: soak graph 152076) is far outside it, and
    // Im f/h was 0.314 where the derivative is 0.0469. A mismatch is taken again with the step
    // 2^-100 and 2^-200 times smaller; where those two agree with each other and not with the
    // first, the smallest is the reference (rare: serial).
    if (how.step_can_be_too_large) {
      bool retaken = false;
      std::optional<RunnerLease<S>> lease;
      for (std::size_t t = 0; t < checks.size(); ++t) {
        if (checks[t].state != EntryCheck::State::mismatch) continue;
        if (!lease) lease.emplace(prepared.runner<S>(k));
        const PropagatedReference a = propagate(**lease, t, how.step * 0x1p-100);
        const PropagatedReference b = propagate(**lease, t, how.step * 0x1p-200);
        auto close = [](double x, double y) { return std::abs(x - y) <= 1e-8 * std::max(std::abs(x), std::abs(y)); };
        if (a.evaluated && b.evaluated && !b.off_base_branches && close(a.value, b.value) &&
            !close(b.value, references[t].value)) {
          references[t] = b;
          retaken = true;
        }
      }
      if (retaken) checks = compare_propagated(o, plan, references, rho, how.not_evaluated, kinks_judged, team);
    }
    append_source_findings(o, plan, checks, how.oracle, findings);
  }
  return findings;
}

template std::vector<Finding> check_propagated(const graph::Graph&, const eut::InputValues&,
                                               const eut::RunResult&, const Propagation<c128>&, int,
                                               std::uint64_t);
template std::vector<Finding> check_propagated(const graph::Graph&, const eut::InputValues&,
                                               const eut::RunResult&, const Propagation<Dual>&, int,
                                               std::uint64_t);
template std::vector<Finding> check_propagated(const PreparedObjectives&, const eut::RunResult&,
                                               const Propagation<c128>&, int, std::uint64_t);
template std::vector<Finding> check_propagated(const PreparedObjectives&, const eut::RunResult&,
                                               const Propagation<Dual>&, int, std::uint64_t);

}  // namespace tc::oracles
