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

// The factors one jitter multiplies a value by: 1 + δ per element, δ uniform in [-unit, unit],
// drawn from the stream `state` seeds.
void fill_jitter_factors(std::vector<double>& factors, double unit, std::uint64_t state) {
  for (double& v : factors) v = 1 + unit * (2 * next_unit(state) - 1);
}

// The terms one jitter adds to a value whose terms cancel: δ·t per element, δ as above, t the
// terms' magnitude beyond the value's own (cancelled_terms).
void fill_jitter_terms(std::vector<double>& added, double unit, std::uint64_t state, const std::vector<double>& t) {
  for (std::size_t i = 0; i < added.size(); ++i) added[i] = unit * (2 * next_unit(state) - 1) * t[i];
}

// The prefix of an input holding such terms (a result's factor input is "%~jit" + its name).
const std::string kTermsJitter = "%~jit+";

// An input `name` of `spec` for a jitter's factors (or terms: `terms` non-null).
graph::Input jitter_input(const std::string& name, const TensorSpec& spec, double unit, std::uint64_t state,
                          const std::vector<double>* terms = nullptr) {
  graph::Input in;
  in.name = name;
  in.dtype = spec.dtype;
  in.shape = spec.shape;
  in.init.kind = graph::Init::Kind::values;
  in.init.values.resize(static_cast<std::size_t>(in.shape.numel()));
  if (terms) fill_jitter_terms(in.init.values, unit, state, *terms);
  else fill_jitter_factors(in.init.values, unit, state);
  return in;
}

// `name`'s terms in `cancelled` where they fit its spec; null otherwise.
const std::vector<double>* cancelled_terms_of(const CancelledTerms* cancelled, const std::string& name,
                                              const TensorSpec& spec) {
  if (!cancelled) return nullptr;
  const auto it = cancelled->find(name);
  if (it == cancelled->end() || static_cast<std::int64_t>(it->second.size()) != spec.shape.numel()) return nullptr;
  return &it->second;
}

}  // namespace

void jitter_block(graph::Block& block, const std::map<std::string, TensorSpec>& specs, double unit,
                  std::uint64_t seed, std::vector<graph::Input>& inputs, const CancelledTerms* cancelled) {
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
      inputs.push_back(jitter_input(jit, *spec, unit, mix_seed(seed ^ fnv1a(result))));
      const std::vector<double>* terms = cancelled_terms_of(cancelled, result, *spec);
      if (!terms) {
        out.push_back({graph::OpStmt{result, op_mul.name, {raw, jit}, {}}, {}});
        continue;
      }
      const std::string rel = result + "~rel", added = kTermsJitter + result;
      inputs.push_back(jitter_input(added, *spec, unit, mix_seed(seed ^ fnv1a(added)), terms));
      out.push_back({graph::OpStmt{rel, op_mul.name, {raw, jit}, {}}, {}});
      out.push_back({graph::OpStmt{result, op_add.name, {rel, added}, {}}, {}});
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
    graph::Input factor = jitter_input(jit, {in.dtype, in.shape}, unit, mix_seed(seed ^ fnv1a(raw)));
    j.base[jit] = factor.init.values;
    extra.push_back(std::move(factor));
    head.push_back({graph::OpStmt{name, op_mul.name, {raw, jit}, {}}, {}});
  }
  for (graph::Input& in : extra) j.graph.inputs.push_back(std::move(in));
  j.graph.body.insert(j.graph.body.begin(), std::make_move_iterator(head.begin()), std::make_move_iterator(head.end()));
}

// A copy of an objective in which every floating op result and graph input is multiplied by
// a factor input (jitter_block, then jitter_inputs) and the results whose terms cancel get
// terms added (`cancelled`), built once: every realization of the jitter has that structure,
// so a realization only refills the factors (an evaluator compiled once, not one per
// realization). Draws: a result's from the stream `results` and its factor's or terms' name,
// an input's from `inputs` and its raw name — jitter_block's and jitter_inputs' own.
class JitteredCopy {
 public:
  JitteredCopy(Objective o, const std::map<std::string, TensorSpec>& specs, double unit,
               const CancelledTerms* cancelled)
      : objective_(std::move(o)), unit_(unit) {
    std::set<std::string> result_factors;
    std::vector<graph::Input> extra, added_terms;
    jitter_block(objective_.graph.body, specs, unit, 0, extra, cancelled);
    for (graph::Input& in : extra) {
      objective_.base[in.name] = in.init.values;
      if (in.name.rfind(kTermsJitter, 0) == 0) {
        added_terms.push_back(std::move(in));
        continue;
      }
      result_factors.insert(in.name);
      objective_.graph.inputs.push_back(std::move(in));
    }
    jitter_inputs(objective_, unit, 0);
    // Added after jitter_inputs, which would scale them by factors of their own.
    for (graph::Input& in : added_terms) {
      const std::string result = in.name.substr(kTermsJitter.size());
      factors_.push_back({objective_.graph.inputs.size(), fnv1a(in.name), false,
                          cancelled_terms_of(cancelled, result, specs.at(result))});
      objective_.graph.inputs.push_back(std::move(in));
    }
    for (std::size_t i = 0; i < objective_.graph.inputs.size(); ++i) {
      const std::string& name = objective_.graph.inputs[i].name;
      if (name.rfind("%~jit", 0) != 0 || name.rfind(kTermsJitter, 0) == 0) continue;
      // A result's factor is a floating input too, so jitter_inputs renamed it (…~raw) and
      // gave it a factor of its own ("%~jit" + its name), as it did every input's.
      const bool renamed = name.size() > 4 && name.compare(name.size() - 4, 4, "~raw") == 0;
      const std::string unrenamed = renamed ? name.substr(0, name.size() - 4) : name;
      if (result_factors.count(unrenamed)) factors_.push_back({i, fnv1a(unrenamed.substr(5)), false, nullptr});
      else factors_.push_back({i, fnv1a(name.substr(5) + "~raw"), true, nullptr});
    }
  }

  const Objective& objective() const { return objective_; }
  // The index of the input holding `name`'s value (its raw input where jitter_inputs renamed
  // it), or npos.
  std::size_t input_of(const std::string& name) const {
    std::size_t found = static_cast<std::size_t>(-1);
    for (std::size_t i = 0; i < objective_.graph.inputs.size(); ++i) {
      const std::string& n = objective_.graph.inputs[i].name;
      if (n == name + "~raw") return i;
      if (n == name) found = i;
    }
    return found;
  }

  // Refills the factors in `input(i)` (a std::vector<S>&): the results' from `results`, the
  // inputs' from `inputs` with `inputs_too`, else 1 (x · 1 is exactly x: the results-only copy);
  // and the added terms, from `results`.
  template <class S, class Input>
  void realize(Input&& input, std::uint64_t results, std::uint64_t inputs, bool inputs_too) const {
    std::vector<double> f;
    for (const Factor& k : factors_) {
      std::vector<S>& x = input(k.input);
      f.assign(x.size(), 1.0);
      const std::uint64_t state = mix_seed((k.of_an_input ? inputs : results) ^ k.name_hash);
      if (k.terms) fill_jitter_terms(f, unit_, state, *k.terms);
      else if (!k.of_an_input || inputs_too) fill_jitter_factors(f, unit_, state);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = S(f[i]);
    }
  }

 private:
  struct Factor {
    std::size_t input;
    std::uint64_t name_hash;  // of the name its stream is drawn for
    bool of_an_input;         // a graph input's factor, not an op result's
    const std::vector<double>* terms;  // an added-terms input's magnitudes; null for a factor
  };
  Objective objective_;
  double unit_;
  std::vector<Factor> factors_;
};

// The hoisted values (Objective::hoisted) as the engine may have computed them: one
// realization's jittered evaluation of the graph they were hoisted from (op results, and with
// `inputs_too` its inputs), so that a hoisted value carries its whole computation's rounding,
// not one rounding of its own: an f32 logsumexp of 92.9 minus 92.2, held constant because
// nothing the tape tracks flows into it, is off by 1e-6 where jittering the hoisted 0.69 alone
// allowed 4e-8 (soak graph 998338). That graph is jittered and compiled once; a realization
// only refills its factors (the inputs' set to 1 for the results-only copy).
class HoistedRounding {
 public:
  HoistedRounding(const Objective& o, double unit) {
    if (!o.hoisted_from) return;
    try {
      OpTrace base = trace(*o.hoisted_from, o.base, true);
      branches_ = std::move(base.evaluation.branches);
      cancelled_ = cancelled_terms(base);
      Objective hoisting;
      hoisting.graph = *o.hoisted_from;
      hoisting.base = o.base;
      copy_ = std::make_unique<const JitteredCopy>(std::move(hoisting), base.evaluation.specs, unit, &cancelled_);
      const graph::Graph& g = copy_->objective().graph;
      ev_ = std::make_unique<Evaluator<double>>(g);
      for (std::size_t i = 0; i < g.inputs.size(); ++i) ev_->input(i) = copy_->objective().base.at(g.inputs[i].name);
      for (const auto& [input, value] : o.hoisted) hoisted_.emplace_back(input, ev_->slot(value));
    } catch (const std::exception&) {
      ev_.reset();
    }
  }

  // Empty where nothing was hoisted, where the jitter moves a kink of the hoisting graph (a
  // jump is no rounding), or where it does not evaluate.
  std::map<std::string, std::vector<double>> values(std::uint64_t seed, bool inputs_too) {
    std::map<std::string, std::vector<double>> out;
    if (!ev_) return out;
    copy_->realize<double>([&](std::size_t i) -> std::vector<double>& { return ev_->input(i); }, seed,
                           seed ^ 0x696e707574ULL, inputs_too);
    try {
      ev_->run(true);
      if (!same_branches(ev_->branches(), branches_)) return out;
      for (const auto& [input, slot] : hoisted_) {
        if (slot < 0 || !ev_->defined(slot)) return {};
        out[input] = ev_->value(slot);
      }
    } catch (const std::exception&) {
      out.clear();
    }
    return out;
  }

 private:
  Branches branches_;  // the hoisting graph's at the base point
  CancelledTerms cancelled_;  // its sums' (copy_ reads them)
  std::unique_ptr<const JitteredCopy> copy_;
  std::unique_ptr<Evaluator<double>> ev_;
  std::vector<std::pair<std::string, int>> hoisted_;  // the input of `o.graph`, its slot here
};

// Every name the values `names` are computed from: what a jitter must leave alone for the
// operands of the ops that made them to stay where they are. `levels` statements back (their
// operands: 1), or all the way (-1). The values themselves are not included unless one is
// computed from another: a kink is decided on an op's operands, and its result, rounded after
// the decision, may carry the graph's dominant rounding (soak seed 17 graph 3819: norm(x0 + k0)
// with an element of x0 + k0 exactly 0, then log_abs_det(norm + k1) at norm + k1 = 0.0013: the
// norm's rounding, amplified 5100 times, was left unjittered with its operands, and the probe
// allowed 5e-14 of the engine's value for an error of 7e-13).
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
      if (level > 0 && !seen.insert(n).second) continue;
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

namespace {

// Where a JVP's response to the magnified jitter stays below this fraction of its scale (Δ at
// κ over the probe's denominator, below), it is taken as linear in κ.
constexpr double kLinearResponse = 0x1p-10;
// The smallest magnification: at 2^-50 a factor 1 + δ still takes a dozen values in double.
constexpr double kSmallestMagnification = 0x1p-50;

// The probe of rounding_sensitivity with the jitter magnified to `kappa` (≥ u_e), its response
// scaled back by u_e / κ: fills `rho`'s three scales and returns the largest response before
// that scaling, relative to the probe's denominator — how far from linear κ may be.
double probe_at(const Objective& o, const std::vector<const eut::Value*>& engine, std::uint64_t seed,
                int threads, int directions, int realizations, const std::map<std::string, TensorSpec>& specs,
                const CancelledTerms* cancelled, double kappa, RoundingProbe& rho) {
  const std::size_t n_sources = o.sources.size();
  rho.relative.assign(n_sources, 0.0);
  rho.per_unit.assign(n_sources, 0.0);
  rho.cancelled.assign(n_sources, 0.0);
  double largest_cotangent = 0;
  for (double v : o.cotangent) largest_cotangent = std::max(largest_cotangent, std::abs(v));
  const double unit = o.tolerance.engine_unit;
  // Each realization twice: op results only, and inputs too (realize(), below). Every
  // realization has the same structure — each floating op result and input multiplied
  // by a factor input — so one jittered graph is built and compiled (per thread) and each
  // realization only refills its factors: the inputs' with 1 in the results-only copy.
  const JitteredCopy jittered(o, specs, kappa, cancelled);
  // The hoisted values of each realization, both copies (HoistedRounding), by input index.
  HoistedRounding hoisted(o, kappa);
  std::vector<std::vector<std::pair<std::size_t, std::vector<double>>>> hoisted_at[2];
  for (int inputs_too = 0; inputs_too < 2; ++inputs_too)
    for (int r = 0; r < realizations; ++r) {
      auto& at = hoisted_at[inputs_too].emplace_back();
      const std::uint64_t s = mix_seed(seed + static_cast<std::uint64_t>(r)) ^ 0x686f6973746564ULL;
      for (auto& [name, values] : hoisted.values(s, inputs_too != 0))
        if (const std::size_t index = jittered.input_of(name); index != static_cast<std::size_t>(-1))
          at.emplace_back(index, std::move(values));
    }
  // Realization r on a runner of `jittered`: op results jittered, and the inputs with
  // `inputs_too` (the model; where moving an input changes the branch signature — edge inputs
  // put sources exactly on kinks, and an op's result jittered there stays 0 where its input
  // moved does not — it measures the kink, and the results-only copy measures the rounding).
  auto realize = [&](ObjectiveRunner<Dual>& runner, int r, bool inputs_too) {
    const std::uint64_t results = mix_seed(seed + static_cast<std::uint64_t>(r));
    jittered.realize<Dual>([&](std::size_t i) -> std::vector<Dual>& { return runner.input(i); }, results,
                           results ^ 0x696e707574ULL, inputs_too);
    // The hoisted values: this copy's; the base point's where only the other copy has some.
    const auto& mine = hoisted_at[inputs_too ? 1 : 0][static_cast<std::size_t>(r)];
    const auto& other = hoisted_at[inputs_too ? 0 : 1][static_cast<std::size_t>(r)];
    for (const auto& [index, values] : other) {
      std::vector<Dual>& x = runner.input(index);
      const std::vector<double>& b = jittered.objective().base.at(jittered.objective().graph.inputs[index].name);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = Dual(b[i]);
    }
    for (const auto& [index, values] : mine) {
      std::vector<Dual>& x = runner.input(index);
      for (std::size_t i = 0; i < x.size() && i < values.size(); ++i) x[i] = Dual(values[i]);
    }
  };
  // Where jittering op results moves values across a kink too, a third copy leaves the values
  // that kink's sides depend on unjittered and jitters the rest: the rounding of the paths away
  // from the kink is still measured. First only the values the kinks compare (the operands of
  // the ops that recorded them; not their results, rounded after the side is decided): equal
  // values computed twice — not_equal(v1 + k, v1 + k) — round alike in the engine but not
  // under independent jitter, while the v1 they share may carry the graph's dominant rounding
  // (an f32 cross-entropy of 95.594 minus 95.59, soak graph 438375: keeping v1 unjittered left
  // an allowance of 1e-7 for an error of 1e-6). Where that still moves a kink — a value the
  // edge inputs put exactly on one, selu(cholesky(A) − c) at 0 beside a pole (soak graph
  // 74378) — a fourth copy keeps everything upstream of it. Built
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
    jitter_block(j.graph.body, rest, kappa, mix_seed(seed + static_cast<std::uint64_t>(r)), extra, cancelled);
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
      slot_terms(tasks.size(), 0.0), slot_response(tasks.size(), 0.0);
  const auto n_tasks = static_cast<std::int64_t>(tasks.size());
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
  {
    ObjectiveRunner<Dual> base(o), jitter(jittered.objective());
    std::vector<std::unique_ptr<ObjectiveRunner<Dual>>> away_from_kinks[kKeptCopies];  // compiled when needed
    for (auto& a : away_from_kinks) a.resize(static_cast<std::size_t>(realizations));
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
      const double plain = jvp(base);
      const double intermediate = base.largest_result() * largest_cotangent;
      double delta = 0;
      for (std::size_t r = 0; r < static_cast<std::size_t>(realizations); ++r) {
        ObjectiveRunner<Dual>* runner = &jitter;
        realize(jitter, static_cast<int>(r), true);
        double d = jvp(jitter);
        if (!same_branches(jitter.branches(), base.branches())) {
          realize(jitter, static_cast<int>(r), false);
          d = jvp(jitter);
        }
        // Both copies keep the kinks the results-only jitter moved (not only those the first
        // copy still moves: the second jitters what the first kept).
        const ObjectiveRunner<Dual>* results_moved = runner;
        for (const Kept level : {kCompared, kUpstream}) {
          if (same_branches(runner->branches(), base.branches())) break;
          std::unique_ptr<ObjectiveRunner<Dual>>& away = away_from_kinks[level][r];
          if (!away) {
#pragma omp critical(tc_probe_kinks_kept)
            {
              if (!kinks_kept_built[level][r]) keep_kinks(level, r, base, *results_moved);
              kinks_kept_built[level][r] = true;
            }
            if (kinks_kept[level][r]) away = std::make_unique<ObjectiveRunner<Dual>>(*kinks_kept[level][r]);
          }
          if (!away) break;
          runner = away.get();
          d = jvp(*runner);
        }
        // A jitter that crossed a kink measures the kink, not rounding: not counted.
        if (!same_branches(runner->branches(), base.branches())) continue;
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
      slot_response[static_cast<std::size_t>(ti)] = r * (kappa / unit);
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
  double response = 0;
  for (double r : slot_response) response = std::max(response, r);
  return response;
}

}  // namespace

RoundingProbe rounding_sensitivity(const Objective& o, const std::vector<const eut::Value*>& engine,
                                   std::uint64_t seed, int threads, int directions, int realizations) {
  const std::size_t n_sources = o.sources.size();
  RoundingProbe rho{std::vector<double>(n_sources, 0.0), std::vector<double>(n_sources, 0.0),
                    std::vector<double>(n_sources, 0.0)};
  if (!o.not_applicable.empty()) return rho;
  rho.running = std::make_shared<GradientRounding>(o);
  if (directions <= 0 || realizations <= 0) return rho;
  // The jittered copies.
  std::map<std::string, TensorSpec> specs;
  CancelledTerms cancelled;
  try {
    OpTrace run = trace(o.graph, o.base);
    specs = std::move(run.evaluation.specs);
    cancelled = cancelled_terms(run);
  } catch (const std::exception&) {
    return rho;
  }
  // The jitter is magnified to κ ≥ 2^-30 and the response scaled back by u_e / κ. At u_e =
  // 2^-53 itself, 1 + δ would round to 1 or 1 - 2^-53 in double: elements jittered alike
  // cancel exactly where the engine's real roundings do not (two equal softmax outputs).
  // The scaling assumes the JVP responds linearly to κ, which a point whose derivative moves
  // by 6e-4 for one ulp of input (three near-singular matrix_inverses in a chain, soak seed 11
  // graph 35389) is far from: at 2^-30 the response saturated and was scaled back to 2e-7 of
  // the JVP where the engine's rounding is 5e-4 of it. Where the largest response exceeds
  // kLinearResponse, the probe is taken again at a κ that much smaller (rare: twice the cost).
  const double unit = o.tolerance.engine_unit;
  const double smallest = std::max(unit, kSmallestMagnification);
  for (double kappa = std::max(unit, 0x1p-30);;) {
    const double response =
        probe_at(o, engine, seed, threads, directions, realizations, specs, &cancelled, kappa, rho);
    if (!(response > kLinearResponse) || kappa <= smallest) return rho;
    kappa = std::max(smallest, kappa * kLinearResponse / (2 * response));
  }
}

}  // namespace tc::oracles
