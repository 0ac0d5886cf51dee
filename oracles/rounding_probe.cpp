#include "oracles/rounding_probe.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <set>

#include "engine/core/random_streams.hpp"
#include "engine/ops/op_rows.hpp"
#include "graph/walk.hpp"
#include "oracles/comparison.hpp"
#include "oracles/evaluate.hpp"

namespace tc::oracles {

namespace {

// An input `name` of `spec` holding 1 + δ per element, δ uniform in [-unit, unit], drawn from
// the stream `state` seeds: the factors one jitter multiplies a value by.
graph::Input jitter_factors(const std::string& name, const TensorSpec& spec, double unit, std::uint64_t state) {
  graph::Input in;
  in.name = name;
  in.dtype = spec.dtype;
  in.shape = spec.shape;
  in.init.kind = graph::Init::Kind::values;
  in.init.values.resize(static_cast<std::size_t>(in.shape.numel()));
  for (double& v : in.init.values) v = 1 + unit * (2 * next_unit(state) - 1);
  return in;
}

}  // namespace

void jitter_block(graph::Block& block, const std::map<std::string, TensorSpec>& specs, double unit,
                  std::uint64_t seed, std::vector<graph::Input>& inputs) {
  graph::rewrite(block, [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
    // The results to jitter: an op's, or a gradient() call's (a gradient is a value the engine
    // rounds too, and what a later tape differentiates).
    std::vector<std::string*> results;
    if (auto* o = std::get_if<graph::OpStmt>(&s.node)) results.push_back(&o->result);
    if (auto* gs = std::get_if<graph::Gradient>(&s.node))
      for (std::string& r : gs->results) results.push_back(&r);
    std::vector<std::pair<std::string, const TensorSpec*>> jittered;
    for (std::string* r : results) {
      const auto it = specs.find(*r);
      if (it == specs.end() || !is_floating(it->second.dtype)) continue;
      jittered.emplace_back(*r, &it->second);
      *r += "~raw";
    }
    out.push_back(std::move(s));
    for (const auto& [result, spec] : jittered) {
      const std::string raw = result + "~raw", jit = "%~jit" + result;
      inputs.push_back(jitter_factors(jit, *spec, unit, mix_seed(seed ^ fnv1a(result))));
      out.push_back({graph::OpStmt{result, op_mul.name, {raw, jit}, {}}, {}});
    }
  });
}

namespace {

// Backward stability, the other half of the rounding model: a kernel that rounds on its
// operands' own scale (f32 batch_norm's mean before x − mean: at x ≈ 100 ± 0.01 a relative
// 2^-24 of x is 4e-4 of x − mean) computes its exact result at operands moved by a relative
// u. Op results already reach the next op jittered; the graph's floating inputs are jittered
// here: input %x becomes %x~raw, and a first statement %x = mul(%x~raw, %~jit%x) feeds every
// use. Sources keep their buffers (the objective's sources are renamed to the raw inputs).
void jitter_inputs(Objective& j, double unit, std::uint64_t seed) {
  graph::Block head;
  std::vector<graph::Input> extra;
  for (graph::Input& in : j.graph.inputs) {
    if (!is_floating(in.dtype)) continue;
    const std::string name = in.name, raw = name + "~raw", jit = "%~jit" + name;
    in.name = raw;
    j.base[raw] = j.base.at(name);
    for (ObjectiveSource& src : j.sources)
      if (src.name == name) src.name = raw;
    graph::Input factor = jitter_factors(jit, {in.dtype, in.shape}, unit, mix_seed(seed ^ fnv1a(raw)));
    j.base[jit] = factor.init.values;
    extra.push_back(std::move(factor));
    head.push_back({graph::OpStmt{name, op_mul.name, {raw, jit}, {}}, {}});
  }
  for (graph::Input& in : extra) j.graph.inputs.push_back(std::move(in));
  j.graph.body.insert(j.graph.body.begin(), std::make_move_iterator(head.begin()), std::make_move_iterator(head.end()));
}

// The hoisted values (Objective::hoisted) as the engine may have computed them: one
// realization's jittered evaluation of the graph they were hoisted from (op results, and with
// `inputs_too` its inputs), so that a hoisted value carries its whole computation's rounding,
// not one rounding of its own: an f32 logsumexp of 92.9 minus 92.2, held constant because
// nothing the tape tracks flows into it, is off by 1e-6 where jittering the hoisted 0.69 alone
// allowed 4e-8 (soak graph 998338). Empty where nothing was hoisted, where the jitter moves a
// kink of that computation (`branches`: its base point's; a jump is no rounding), or where it
// does not evaluate.
std::map<std::string, std::vector<double>> hoisted_values(const Objective& o,
                                                          const std::map<std::string, TensorSpec>& specs,
                                                          const Branches& branches, double unit,
                                                          std::uint64_t seed, bool inputs_too) {
  std::map<std::string, std::vector<double>> out;
  if (!o.hoisted_from) return out;
  Objective c;
  c.graph = *o.hoisted_from;
  c.base = o.base;
  std::vector<graph::Input> extra;
  jitter_block(c.graph.body, specs, unit, seed, extra);
  for (graph::Input& in : extra) {
    c.base[in.name] = in.init.values;
    c.graph.inputs.push_back(std::move(in));
  }
  if (inputs_too) jitter_inputs(c, unit, seed ^ 0x696e707574ULL);
  try {
    const Evaluation<double> ev = evaluate<double>(c.graph, c.base, true);
    if (!same_branches(ev.branches, branches)) return out;
    for (const auto& [input, value] : o.hoisted) out[input] = ev.values.at(value);
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

// Every name the values `names` are computed from, themselves included: what a jitter must
// leave alone for those values to stay where they are. `levels` statements back (the values
// themselves and their operands: 1), or all the way (-1).
std::set<std::string> upstream_of(const graph::Block& body, std::vector<std::string> names, int levels) {
  std::map<std::string, std::vector<std::string>> reads;  // a definition -> the names its statement reads
  graph::walk(body, [&](const graph::Statement& s, const graph::Place&) {
    std::vector<std::string> uses;
    graph::for_each_use(s, [&](const std::string& n) { uses.push_back(n); });
    graph::for_each_def(s, [&](const std::string& d) {
      std::vector<std::string>& r = reads[d];
      r.insert(r.end(), uses.begin(), uses.end());
    });
  });
  std::set<std::string> seen;
  for (int level = 0; !names.empty() && (levels < 0 || level <= levels); ++level) {
    std::vector<std::string> next;
    for (const std::string& n : names) {
      if (!seen.insert(n).second) continue;
      const auto it = reads.find(n);
      if (it != reads.end()) next.insert(next.end(), it->second.begin(), it->second.end());
    }
    names = std::move(next);
  }
  return seen;
}

}  // namespace

double RoundingProbe::observed(std::size_t source, double magnitude, double direction_norm) const {
  const double r = source < relative.size() ? relative[source] * magnitude : 0.0;
  const double a = source < per_unit.size() ? per_unit[source] * direction_norm : 0.0;
  const double c = source < cancelled.size() ? cancelled[source] * direction_norm : 0.0;
  return std::max({r, a, c});
}

double RoundingProbe::per_node(std::size_t source, std::int64_t index, const std::vector<double>* direction) const {
  return running ? kRoundingsPerNode * running->bound(source, index, direction) : 0.0;
}

RoundingProbe rounding_sensitivity(const Objective& o, const std::vector<const eut::Value*>& engine,
                                   std::uint64_t seed, int threads, int directions, int realizations) {
  const std::size_t n_sources = o.sources.size();
  RoundingProbe rho{std::vector<double>(n_sources, 0.0), std::vector<double>(n_sources, 0.0),
                    std::vector<double>(n_sources, 0.0)};
  double largest_cotangent = 0;
  for (double v : o.cotangent) largest_cotangent = std::max(largest_cotangent, std::abs(v));
  if (!o.not_applicable.empty()) return rho;
  rho.running = std::make_shared<GradientRounding>(o);
  if (directions <= 0 || realizations <= 0) return rho;
  // The jittered copies.
  std::map<std::string, TensorSpec> specs;
  try {
    specs = evaluate<double>(o.graph, o.base, false).specs;
  } catch (const std::exception&) {
    return rho;
  }
  // The jitter is magnified to κ ≥ 2^-30 and the response scaled back by u_e / κ (the JVP
  // responds linearly to it; second-order effects are ~κ² ≤ 1e-18 relative). At u_e = 2^-53
  // itself, 1 + δ would round to 1 or 1 - 2^-53 in double: elements jittered alike cancel
  // exactly where the engine's real roundings do not (two equal softmax outputs).
  const double unit = o.tolerance.engine_unit;
  const double kappa = std::max(unit, 0x1p-30);
  // Each realization twice: op results only, and inputs too. The second is the model; but
  // where moving an input changes the branch signature (edge inputs put sources exactly on
  // kinks, and an op's result jittered there stays 0 where its input moved does not) it
  // measures the kink, and the results-only copy measures the rounding instead.
  std::vector<Objective> results_only(static_cast<std::size_t>(realizations), o);
  for (int r = 0; r < realizations; ++r) {
    Objective& j = results_only[static_cast<std::size_t>(r)];
    std::vector<graph::Input> extra;
    jitter_block(j.graph.body, specs, kappa, mix_seed(seed + static_cast<std::uint64_t>(r)), extra);
    for (graph::Input& in : extra) {
      j.base[in.name] = in.init.values;
      j.graph.inputs.push_back(std::move(in));
    }
  }
  // The hoisted values, each copy at its realization's (hoisted_values).
  std::map<std::string, TensorSpec> hoisted_specs;
  Branches hoisted_branches;
  if (o.hoisted_from) try {
      Evaluation<double> ev = evaluate<double>(*o.hoisted_from, o.base, true);
      hoisted_specs = std::move(ev.specs);
      hoisted_branches = std::move(ev.branches);
    } catch (const std::exception&) {
    }
  auto hoisted_seed = [&](int r) { return mix_seed(seed + static_cast<std::uint64_t>(r)) ^ 0x686f6973746564ULL; };
  for (int r = 0; r < realizations; ++r)
    for (auto& [name, values] :
         hoisted_values(o, hoisted_specs, hoisted_branches, kappa, hoisted_seed(r), false))
      results_only[static_cast<std::size_t>(r)].base[name] = std::move(values);
  std::vector<Objective> jittered = results_only;
  for (int r = 0; r < realizations; ++r) {
    Objective& j = jittered[static_cast<std::size_t>(r)];
    jitter_inputs(j, kappa, mix_seed(seed + static_cast<std::uint64_t>(r)) ^ 0x696e707574ULL);
    for (auto& [name, values] : hoisted_values(o, hoisted_specs, hoisted_branches, kappa, hoisted_seed(r), true))
      j.base[j.base.count(name + "~raw") ? name + "~raw" : name] = std::move(values);
  }
  // Where jittering op results moves values across a kink too, a third copy leaves the values
  // that kink's sides depend on unjittered and jitters the rest: the rounding of the paths away
  // from the kink is still measured. First only the values the kinks compare (the ops that
  // recorded them and their operands): equal values computed twice — not_equal(v1 + k, v1 + k)
  // — round alike in the engine but not under independent jitter, while the v1 they share may
  // carry the graph's dominant rounding (an f32 cross-entropy of 95.594 minus 95.59, soak graph
  // 438375: keeping v1 unjittered left an allowance of 1e-7 for an error of 1e-6). Where that
  // still moves a kink — a value the edge inputs put exactly on one, selu(cholesky(A) − c) at 0
  // beside a pole (soak graph 74378) — a fourth copy keeps everything upstream of it. Built
  // once per realization, from the sides the results-only copy moved (they depend on primal
  // values only, not on the direction).
  enum Kept { kCompared, kUpstream, kKeptCopies };
  std::vector<std::optional<Objective>> kinks_kept[kKeptCopies];
  std::vector<bool> kinks_kept_built[kKeptCopies];
  for (int k = 0; k < kKeptCopies; ++k) {
    kinks_kept[k].resize(static_cast<std::size_t>(realizations));
    kinks_kept_built[k].assign(static_cast<std::size_t>(realizations), false);
  }
  auto keep_kinks = [&](Kept level, std::size_t r, const ObjectiveRunner<Dual>& base,
                        const ObjectiveRunner<Dual>& moved) {
    std::vector<std::string> at_kinks;
    const std::vector<std::int32_t>& a = base.branches().sides;
    const std::vector<std::int32_t>& b = moved.branches().sides;
    const std::vector<const std::string*>& about = base.branch_values();
    if (a.size() != b.size()) return;  // another path through control flow: nothing to keep
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] == b[i]) continue;
      if (i >= about.size() || !about[i]) return;  // a loop's trip count: not kept
      at_kinks.push_back(*about[i]);
    }
    const std::set<std::string> kept = upstream_of(o.graph.body, at_kinks, level == kCompared ? 1 : -1);
    std::map<std::string, TensorSpec> rest;
    for (const auto& [name, spec] : specs)
      if (!kept.count(name)) rest.emplace(name, spec);
    Objective& j = kinks_kept[level][r].emplace(o);
    std::vector<graph::Input> extra;
    jitter_block(j.graph.body, rest, kappa, mix_seed(seed + static_cast<std::uint64_t>(r)), extra);
    for (graph::Input& in : extra) {
      j.base[in.name] = in.init.values;
      j.graph.inputs.push_back(std::move(in));
    }
  };
  struct Task {
    std::size_t source;
    int direction;
  };
  std::vector<Task> tasks;
  for (std::size_t s = 0; s < n_sources; ++s)
    if (o.sources[s].why_not.empty() && o.base.count(o.sources[s].name))
      for (int d = 0; d < directions; ++d) tasks.push_back({s, d});
  std::vector<double> slot(tasks.size(), 0.0), slot_per_unit(tasks.size(), 0.0),
      slot_terms(tasks.size(), 0.0);
  const auto n_tasks = static_cast<std::int64_t>(tasks.size());
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
  {
    std::vector<ObjectiveRunner<Dual>> runners;
    runners.emplace_back(o);
    for (const Objective& j : jittered) runners.emplace_back(j);
    std::vector<std::unique_ptr<ObjectiveRunner<Dual>>> fallback(jittered.size());  // compiled when needed
    std::vector<std::unique_ptr<ObjectiveRunner<Dual>>> away_from_kinks[kKeptCopies];  // likewise
    for (auto& a : away_from_kinks) a.resize(jittered.size());
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t ti = 0; ti < n_tasks; ++ti) {
      const Task& t = tasks[static_cast<std::size_t>(ti)];
      const std::size_t n = o.base.at(o.sources[t.source].name).size();
      const std::vector<double> u =
          random_direction(n, mix_seed(seed) ^ mix_seed((t.source << 16) + static_cast<std::uint64_t>(t.direction)));
      auto jvp = [&](ObjectiveRunner<Dual>& runner) {
        std::vector<Dual>& x = runner.source(t.source);
        for (std::size_t i = 0; i < n; ++i) x[i].d = u[i];
        double d = std::numeric_limits<double>::quiet_NaN();
        try {
          d = runner.run(true).d;
        } catch (const std::exception&) {
        }
        runner.restore(t.source);
        return d;
      };
      const double plain = jvp(runners[0]);
      const double intermediate = runners[0].largest_result() * largest_cotangent;
      double delta = 0;
      for (std::size_t r = 0; r < jittered.size(); ++r) {
        ObjectiveRunner<Dual>* runner = &runners[r + 1];
        double d = jvp(*runner);
        if (!same_branches(runner->branches(), runners[0].branches())) {
          if (!fallback[r]) fallback[r] = std::make_unique<ObjectiveRunner<Dual>>(results_only[r]);
          runner = fallback[r].get();
          d = jvp(*runner);
        }
        // Both copies keep the kinks the results-only jitter moved (not only those the first
        // copy still moves: the second jitters what the first kept).
        const ObjectiveRunner<Dual>* results_moved = runner;
        for (const Kept level : {kCompared, kUpstream}) {
          if (same_branches(runner->branches(), runners[0].branches())) break;
          std::unique_ptr<ObjectiveRunner<Dual>>& away = away_from_kinks[level][r];
          if (!away) {
#pragma omp critical(tc_probe_kinks_kept)
            {
              if (!kinks_kept_built[level][r]) keep_kinks(level, r, runners[0], *results_moved);
              kinks_kept_built[level][r] = true;
            }
            if (kinks_kept[level][r]) away = std::make_unique<ObjectiveRunner<Dual>>(*kinks_kept[level][r]);
          }
          if (!away) break;
          runner = away.get();
          d = jvp(*runner);
        }
        // A jitter that crossed a kink measures the kink, not rounding: not counted.
        if (!same_branches(runner->branches(), runners[0].branches())) continue;
        delta = std::max(delta, std::abs(d - plain) * (unit / kappa));
      }
      double t2 = 0;
      if (t.source < engine.size() && engine[t.source] && engine[t.source]->data.size() == n)
        for (std::size_t i = 0; i < n; ++i) t2 += engine[t.source]->data[i] * u[i] * engine[t.source]->data[i] * u[i];
      // Δ per unit of the terms: with errors independent per element (e_i = ρ|g_i|ξ_i) the JVP
      // error is ~ρ·sqrt(Σ (g_i u_i)²); with one error shared by every element (e_i = ρ g_i: a
      // rounded scalar all of them depend on, as 1/(Σ sigmoid − 5.94) in soak graph 5301) it is
      // ρ·|JVP|, smaller where the JVP cancels. Not knowing which, ρ is the larger estimate —
      // but |JVP| is not taken below sqrt(Σ (g_i u_i)²)/√n, the size a random direction's sum
      // has anyway, so a JVP that cancels by chance does not blow ρ up.
      const double root_n = std::sqrt(static_cast<double>(n));
      const double spread = std::sqrt(t2);
      const double denom = spread > 0 ? std::max(std::min(spread, std::abs(plain)), spread / root_n)
                                      : std::abs(plain) / root_n;
      double r = denom > 0 ? delta / denom : 0.0;
      if (!std::isfinite(r)) r = 0.0;  // a failed probe measures nothing; the a-priori term stands
      slot[static_cast<std::size_t>(ti)] = r;
      double u2 = 0;
      for (double ui : u) u2 += ui * ui;
      double a = u2 > 0 ? delta / std::sqrt(u2) : 0.0;
      if (!std::isfinite(a)) a = 0.0;
      slot_per_unit[static_cast<std::size_t>(ti)] = a;
      double c = u2 > 0 ? intermediate / std::sqrt(u2) : 0.0;
      if (!std::isfinite(c)) c = 0.0;
      slot_terms[static_cast<std::size_t>(ti)] = c;
    }
  }
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const std::size_t s = tasks[t].source;
    rho.relative[s] = std::max(rho.relative[s], slot[t]);
    rho.per_unit[s] = std::max(rho.per_unit[s], slot_per_unit[t]);
    rho.cancelled[s] = std::max(rho.cancelled[s], rounding_bound(o.tolerance, unit, slot_terms[t]));
  }
  return rho;
}

}  // namespace tc::oracles
