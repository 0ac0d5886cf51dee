#include "oracles/comparison.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <random>

#include "engine/core/format.hpp"
#include "engine/core/random_streams.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

bool same_branches(const Branches& a, const Branches& b) { return a.sides == b.sides; }

NearKink near_kink(const Objective& o, ObjectiveRunner<double>& runner, std::size_t source,
                   std::int64_t index, const std::vector<double>* direction, double delta) {
  std::vector<double>& x = runner.source(source);
  const std::vector<double>& base = o.base.at(o.sources[source].name);
  bool branch = false, edge = false;
  for (const double t : {delta, -delta}) {
    if (direction)
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = base[i] + t * (*direction)[i];
    else
      x[static_cast<std::size_t>(index)] = base[static_cast<std::size_t>(index)] + t;
    try {
      const bool finite = std::isfinite(runner.run(true));
      if (!same_branches(runner.branches(), o.branches)) branch = true;
      else if (!finite) edge = true;
    } catch (const std::exception&) {
      edge = true;
    }
    runner.restore(source);
  }
  if (branch || kink_within_rounding(o, kink_radius(o.tolerance), 0x6b696e6bULL)) return NearKink::branch;
  return edge ? NearKink::edge : NearKink::none;
}

bool kink_within_rounding(const graph::Graph& g, const std::map<std::string, std::vector<double>>& at,
                          const Branches& branches, double radius, std::uint64_t seed, int draws) {
  Evaluator<double> ev(g);
  std::mt19937_64 random(seed);
  std::vector<std::vector<bool>> signs(g.inputs.size());
  // The signature with every floating input moved by ±r·max(|x|, 1) (this draw's signs).
  auto signature = [&](double r) -> std::optional<Branches> {
    for (std::size_t i = 0; i < g.inputs.size(); ++i) {
      const std::vector<double>& base = at.at(g.inputs[i].name);
      std::vector<double>& x = ev.input(i);
      x = base;
      if (!is_floating(g.inputs[i].dtype)) continue;
      for (std::size_t k = 0; k < x.size(); ++k) x[k] += (signs[i][k] ? r : -r) * std::max(std::abs(x[k]), 1.0);
    }
    try {
      ev.run(true);
      return ev.branches();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  for (int d = 0; d < draws; ++d) {
    for (std::size_t i = 0; i < g.inputs.size(); ++i) {
      signs[i].resize(at.at(g.inputs[i].name).size());
      for (std::size_t k = 0; k < signs[i].size(); ++k) signs[i][k] = (random() & 1) != 0;
    }
    // A kink the point lies on (within the f64 evaluation's own rounding: 16 ulp) flips at both
    // scales: the per-entry probes see it. One that flips only at the full radius is near.
    const std::optional<Branches> near = signature(radius), on = signature(std::min(radius, 0x1p-48));
    if (!near) {
      if (on) return true;
      continue;
    }
    if (!on || on->sides.size() != branches.sides.size()) continue;
    if (near->sides.size() != branches.sides.size()) return true;
    for (std::size_t k = 0; k < near->sides.size(); ++k)
      if (near->sides[k] != branches.sides[k] && on->sides[k] == branches.sides[k]) return true;
  }
  return false;
}

bool kink_within_rounding(const Objective& o, double radius, std::uint64_t seed, int draws) {
  return kink_within_rounding(o.graph, o.base, o.branches, radius, seed, draws);
}

Finding make_finding(const Objective& o, std::size_t source, const char* oracle, Outcome outcome,
                     std::string detail) {
  Finding f;
  f.oracle = oracle;
  f.gradient = o.gradient;
  f.target = o.statement.target;
  f.source = source < o.statement.sources.size() ? o.statement.sources[source] : std::string();
  f.outcome = outcome;
  f.detail = std::move(detail);
  return f;
}

EngineGradient engine_gradient(const Objective& o, const eut::RunResult& r, std::size_t source,
                               const char* oracle) {
  EngineGradient out;
  auto na = [&](std::string why) {
    out.finding = make_finding(o, source, oracle, Outcome::not_applicable, std::move(why));
    return out;
  };
  if (!o.not_applicable.empty()) return na(o.not_applicable);
  const auto k = static_cast<std::size_t>(o.gradient);
  if (k >= r.gradients.size()) {
    if (r.error) return na("the engine raised before this gradient(): " + r.error->message);
    return na("the engine returned no result for this gradient()");
  }
  const eut::GradientResult& gr = r.gradients[k];
  if (source >= gr.values.size()) return na("the engine returned no slot for this source");
  const ObjectiveSource& s = o.sources[source];
  if (!s.why_not.empty()) return na(s.why_not);
  if (!gr.values[source]) {
    const std::string why = source < gr.why_none.size() && !gr.why_none[source].empty()
                                ? " (" + gr.why_none[source] + ")" : std::string();
    return na("the engine returned None" + why + "; the connectivity oracle judges None");
  }
  const eut::Value& v = *gr.values[source];
  if (v.shape != s.spec.shape || static_cast<std::int64_t>(v.data.size()) != s.spec.shape.numel()) {
    out.finding = make_finding(o, source, oracle, Outcome::mismatch,
                               "the engine's gradient has shape " + v.shape.str() + " (" +
                                   std::to_string(v.data.size()) + " values) for a source of shape " +
                                   s.spec.shape.str());
    return out;
  }
  out.value = &v;
  return out;
}

std::int64_t worst_entry(const std::vector<EntryCheck>& entries) {
  std::int64_t worst = -1;
  double worst_ratio = -1;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const EntryCheck& e = entries[i];
    if (e.state == EntryCheck::State::inconclusive) continue;
    const double abs_err = std::abs(e.engine - e.reference);
    const double ratio = e.tolerance > 0 ? abs_err / e.tolerance : (abs_err > 0 ? INFINITY : 0);
    const bool nan = !(abs_err == abs_err);
    const bool mismatch = e.state == EntryCheck::State::mismatch;
    const bool worst_mismatch = worst >= 0 && entries[static_cast<std::size_t>(worst)].state == EntryCheck::State::mismatch;
    if (worst < 0 || (mismatch && !worst_mismatch) || (mismatch == worst_mismatch && (nan || ratio > worst_ratio))) {
      worst = static_cast<std::int64_t>(i);
      worst_ratio = nan ? INFINITY : ratio;
    }
  }
  return worst;
}

Finding summarize(const Objective& o, std::size_t source, const char* oracle,
                  const std::vector<EntryCheck>& entries, const char* what, bool flat_index) {
  Finding f = make_finding(o, source, oracle, Outcome::agree, "");
  std::int64_t mismatches = 0;
  const char* why = "";
  const char* reason = "";
  for (const EntryCheck& e : entries) {
    if (e.state == EntryCheck::State::inconclusive) {
      ++f.entries_inconclusive;
      if (!*why) why = e.why;
      if (!*reason) reason = e.reason;
      continue;
    }
    ++f.entries_checked;
    if (e.state == EntryCheck::State::mismatch) ++mismatches;
    const double abs_err = std::abs(e.engine - e.reference);
    const bool nan = !(abs_err == abs_err);
    f.max_abs_error = std::max(f.max_abs_error, nan ? INFINITY : abs_err);
    f.max_rel_error = std::max(f.max_rel_error, nan ? INFINITY : relative_error(e.engine, e.reference));
  }
  const std::int64_t worst = worst_entry(entries);
  f.evidence.entries = entries;
  f.evidence.directions = !flat_index;
  f.evidence.shape = flat_index ? o.sources[source].spec.shape.to_vector()
                                : std::vector<std::int64_t>{static_cast<std::int64_t>(entries.size())};
  const std::string name = o.statement.sources[source];
  const std::string n_str = std::to_string(entries.size());
  if (worst >= 0) {
    const EntryCheck& w = entries[static_cast<std::size_t>(worst)];
    f.tolerance = w.tolerance;
    f.worst_entry = flat_index ? worst : -1;
  }
  const std::string inconclusive_note =
      f.entries_inconclusive
          ? "; " + std::to_string(f.entries_inconclusive) + " inconclusive (" + why + ")"
          : std::string();
  if (mismatches > 0) {
    const EntryCheck& w = entries[static_cast<std::size_t>(worst)];
    f.outcome = Outcome::mismatch;
    f.detail = "d" + o.statement.target + "/d" + name + ": " + std::to_string(mismatches) + " of " +
               n_str + " " + what + "s disagree; worst " + what + " " + std::to_string(worst) +
               ": engine " + format_number(w.engine) + ", " + oracle + " " + format_number(w.reference) + " ± " +
               format_number(w.error) + " (tolerance " + format_number(w.tolerance) + ")" +
               (*w.why ? std::string(": ") + w.why : std::string()) + inconclusive_note;
  } else if (f.entries_checked == 0) {
    f.outcome = entries.empty() ? Outcome::not_applicable : Outcome::inconclusive;
    f.evidence.reason = reason;
    f.detail = entries.empty() ? name + " has no elements to check"
                               : "d" + o.statement.target + "/d" + name + ": all " + n_str + " " +
                                     what + "s inconclusive (" + why + ")";
  } else {
    f.detail = "d" + o.statement.target + "/d" + name + ": " + std::to_string(f.entries_checked) +
               " " + what + "s agree (max relative error " + format_number(f.max_rel_error) + ")" +
               inconclusive_note;
  }
  return f;
}

bool excuse_nan_leaked_by_where(const Objective& o, EntryCheck& c) {
  if (std::isfinite(c.engine) || !(o.has_where || o.nan_at_kink || o.subnormal)) return false;
  c.state = EntryCheck::State::inconclusive;
  c.why = o.has_where ? "the engine's value is not finite and the graph has a where: TF lets a NaN of "
                        "the untaken branch leak into the gradient (documented)"
          : o.nan_at_kink ? "the engine's value is not finite and the point lies on a kink where the engine's "
                            "semantics profile gives a NaN derivative (torch's hypot at the origin)"
                          : "the engine's value is not finite and a value of the graph is subnormal for its "
                            "dtype: a reciprocal of it is beyond the dtype's range, which no engine's backward pass "
                            "in that dtype avoids";
  c.reason = "non_finite";
  return true;
}

EntryPlan plan_entries(const Objective& o, const eut::RunResult& engine_result, const char* oracle,
                       bool per_element, const DirectionDraw& draw) {
  const std::size_t n_sources = o.statement.sources.size();
  EntryPlan plan;
  plan.per_element = per_element;
  plan.early.resize(n_sources);
  plan.engine.assign(n_sources, nullptr);
  plan.first.assign(n_sources + 1, 0);
  std::vector<EntryTask>& tasks = plan.tasks;
  for (std::size_t s = 0; s < n_sources; ++s) {
    plan.first[s] = tasks.size();
    EngineGradient eg = engine_gradient(o, engine_result, s, oracle);
    if (eg.finding) {
      plan.early[s] = std::move(eg.finding);
      continue;
    }
    plan.engine[s] = eg.value;
    const auto n = static_cast<std::int64_t>(eg.value->data.size());
    const std::int64_t count = per_element ? n : (n > 0 ? draw.count : 0);
    for (std::int64_t j = 0; j < count; ++j) tasks.push_back({s, j});
  }
  plan.first[n_sources] = tasks.size();

  if (!per_element) {
    // Seeded by (seed, salt + statement, source, direction number): the same directions for
    // any thread count, and for a statement whatever other statements the graph has.
    const std::uint64_t statement_stream =
        mix_seed(draw.seed) ^ mix_seed(draw.salt + static_cast<std::uint64_t>(o.gradient));
    plan.directions.resize(tasks.size());
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      const std::uint64_t stream =
          statement_stream ^ mix_seed((tasks[t].source << 20) + static_cast<std::uint64_t>(tasks[t].index));
      plan.directions[t] = random_direction(plan.engine[tasks[t].source]->data.size(), stream);
    }
  }

  // The engine's side, <g, u> summed in element order, in a fixed order of entries.
  plan.engine_entries.resize(tasks.size());
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const std::vector<double>& gv = plan.engine[tasks[t].source]->data;
    EngineEntry& e = plan.engine_entries[t];
    if (per_element) {
      e.value = gv[static_cast<std::size_t>(tasks[t].index)];
      e.terms = std::abs(e.value);
      e.rms = e.terms;
      continue;
    }
    const std::vector<double>& u = plan.directions[t];
    double sum = 0, terms = 0, squares = 0;
    for (std::size_t i = 0; i < gv.size(); ++i) {
      const double term = gv[i] * u[i];
      sum += term;
      terms += std::abs(term);
      squares += term * term;
    }
    e.value = sum;
    e.terms = terms;
    e.rms = std::sqrt(squares);
    double u2 = 0;
    for (double ui : u) u2 += ui * ui;
    e.direction_norm = std::sqrt(u2);
  }
  return plan;
}

void append_source_findings(const Objective& o, EntryPlan& plan, const std::vector<EntryCheck>& checks,
                            const char* oracle, std::vector<Finding>& findings) {
  for (std::size_t s = 0; s < plan.early.size(); ++s) {
    if (plan.early[s]) {
      findings.push_back(std::move(*plan.early[s]));
      continue;
    }
    const std::vector<EntryCheck> entries(checks.begin() + static_cast<std::ptrdiff_t>(plan.first[s]),
                                          checks.begin() + static_cast<std::ptrdiff_t>(plan.first[s + 1]));
    findings.push_back(summarize(o, s, oracle, entries, plan.per_element ? "element" : "direction",
                                 plan.per_element));
  }
}

int threads_or_default(int requested) { return requested > 0 ? requested : omp_get_max_threads(); }

std::vector<double> random_direction(std::size_t n, std::uint64_t seed) {
  std::vector<double> u(n);
  std::uint64_t state = mix_seed(seed);
  for (std::size_t i = 0; i < n; ++i) {
    state = mix_seed(state);
    const double r = static_cast<double>(state >> 11) * 0x1p-53;  // [0, 1)
    const double size = 0.5 + 0.5 * r;
    u[i] = (state & 1) ? size : -size;
  }
  return u;
}

}  // namespace tc::oracles
