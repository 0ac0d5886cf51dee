#include "oracles/finite_difference.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <map>
#include <optional>

#include "oracles/comparison.hpp"
#include "oracles/objective.hpp"
#include "oracles/profile_kinks.hpp"
#include "oracles/rounding_probe.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

const char* stencil_name(Stencil s) {
  switch (s) {
    case Stencil::none: return "none";
    case Stencil::central: return "central";
    case Stencil::forward: return "forward";
    case Stencil::backward: return "backward";
    case Stencil::screen: return "screen";
  }
  return "?";
}

// --- numeric core ---------------------------------------------------------------------------

namespace {

constexpr int kMaxLevels = 16;

struct Level {
  bool usable = false;
  double d = 0;  // the difference quotient
  double h = 0;  // its (smallest) step
};

Level difference(const ScalarFunction& phi, double phi0, Stencil stencil, double h, int& evaluations) {
  Level l;
  if (stencil == Stencil::central) {
    const Sample p = phi(h), m = phi(-h);
    evaluations += 2;
    if (!p.usable || !m.usable) return l;
    const double hp = p.offset != 0 ? p.offset : h, hm = m.offset != 0 ? -m.offset : h;
    l.d = (p.value - m.value) / (hp + hm);
    l.h = std::min(hp, hm);
  } else {
    const double t = stencil == Stencil::forward ? h : -h;
    const Sample s = phi(t);
    evaluations += 1;
    if (!s.usable) return l;
    const double off = s.offset != 0 ? s.offset : t;
    l.d = (s.value - phi0) / off;
    l.h = std::abs(off);
  }
  l.usable = std::isfinite(l.d) && l.h > 0;
  return l;
}

}  // namespace

DerivativeEstimate ridders_tableau(const ScalarFunction& phi, double phi0, Stencil stencil, double h,
                                   const RiddersOptions& opt) {
  DerivativeEstimate est;
  est.h = h;
  const int levels = std::clamp(opt.levels, 2, kMaxLevels);
  const double con = opt.shrink > 1 ? opt.shrink : 1.4;
  const double base_factor = stencil == Stencil::central ? con * con : con;
  std::array<std::array<double, kMaxLevels>, kMaxLevels> a{};
  double err = std::numeric_limits<double>::infinity(), best = 0, smallest_h = h;
  int used = 0;
  double hh = h;
  for (int i = 0; i < levels; ++i) {
    if (i > 0) hh /= con;
    const Level l = difference(phi, phi0, stencil, hh, est.evaluations);
    if (!l.usable) break;
    a[0][i] = l.d;
    smallest_h = l.h;
    used = i + 1;
    double fac = base_factor;
    for (int j = 1; j <= i; ++j) {
      a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1);
      fac *= base_factor;
      const double e = std::max(std::abs(a[j][i] - a[j - 1][i]), std::abs(a[j][i] - a[j - 1][i - 1]));
      if (e <= err) {
        err = e;
        best = a[j][i];
      }
    }
    if (i >= 3 && std::abs(a[i][i] - a[i - 1][i - 1]) >= opt.safe * err) break;
  }
  if (used < 2 || !std::isfinite(err)) return est;
  // Rounding: each value carries `noise`; a difference quotient at step h carries ~noise/h
  // (twice that one-sided), and extrapolation amplifies it by a small factor.
  const double floor = (stencil == Stencil::central ? 2.0 : 4.0) * opt.noise / smallest_h;
  est.value = best;
  est.error = std::max(err, floor);
  est.stencil = stencil;
  return est;
}

DerivativeEstimate ridders_multi_start(const ScalarFunction& phi, double phi0, Stencil stencil, double h,
                                       const RiddersOptions& opt) {
  const int starts = std::clamp(opt.starts, 1, 8);
  const double ratio = opt.start_ratio > 1 ? opt.start_ratio : 8;
  std::vector<DerivativeEstimate> t;
  int evaluations = 0;
  for (int k = 0; k < starts && h >= opt.h_floor; ++k, h /= ratio) {
    t.push_back(ridders_tableau(phi, phi0, stencil, h, opt));
    evaluations += t.back().evaluations;
  }
  DerivativeEstimate best;
  double best_err = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k + 1 < t.size(); ++k) {
    if (!t[k].ok() || !t[k + 1].ok()) continue;
    const double e = std::max({t[k].error, t[k + 1].error, std::abs(t[k].value - t[k + 1].value)});
    const double value = t[k].error <= t[k + 1].error ? t[k].value : t[k + 1].value;
    // A finer tableau that is sure of a value the pair excludes: the pair's agreement is a
    // plateau of the function far from the point, not its slope. Smaller steps carry less
    // truncation error; the finer pairs compete instead.
    bool contradicted = false;
    for (std::size_t m = k + 2; m < t.size() && !contradicted; ++m)
      contradicted = t[m].ok() && std::abs(t[m].value - value) > 2 * (e + t[m].error);
    if (contradicted) continue;
    if (e < best_err) {
      best_err = e;
      best = t[k].error <= t[k + 1].error ? t[k] : t[k + 1];
      best.error = e;
      // Unsettled: the two disagree beyond their own errors and their distance exceeds the
      // value — neither its size nor its sign is known.
      best.settled = std::abs(t[k].value - t[k + 1].value) <= t[k].error + t[k + 1].error || e < std::abs(best.value);
    }
  }
  if (!best.ok()) {  // no confirmed pair: a lone usable tableau, if there is exactly one
    int usable = 0;
    for (const DerivativeEstimate& e : t) usable += e.ok();
    if (usable == 1)
      for (const DerivativeEstimate& e : t)
        if (e.ok()) best = e;
  }
  best.evaluations = evaluations;
  return best;
}

DerivativeEstimate ridders_derivative(const ScalarFunction& phi, double phi0, const RiddersOptions& opt) {
  struct Probe {
    double h;
    bool plus, minus;
  };
  std::vector<Probe> probes;
  int evaluations = 0;
  double h_central = 0;
  for (double h = opt.h_start; h >= opt.h_floor && h > 0; h /= 2) {
    const Sample p = phi(h), m = phi(-h);
    evaluations += 2;
    probes.push_back({h, p.usable, m.usable});
    if (p.usable && m.usable) {
      h_central = h;
      break;
    }
  }
  DerivativeEstimate best;
  if (h_central > 0) {
    best = ridders_multi_start(phi, phi0, Stencil::central, h_central, opt);
    evaluations += best.evaluations;
  }
  // A kink nearer than h_start / 16 on one side: the other side allows a larger step.
  if (h_central > 0 && h_central < opt.h_start / 16) {
    auto one_sided = [&](Stencil s) {
      for (const Probe& p : probes)
        if ((s == Stencil::forward ? p.plus : p.minus) && p.h > 2 * h_central) {
          const DerivativeEstimate e = ridders_multi_start(phi, phi0, s, p.h, opt);
          evaluations += e.evaluations;
          if (e.ok() && (!best.ok() || e.error < best.error)) best = e;
          return;
        }
    };
    one_sided(Stencil::forward);
    one_sided(Stencil::backward);
  }
  best.evaluations = evaluations;
  return best;
}

// How many 8-fold steps below the estimate's first step steps_resolve_point looks: 8^12 ~ 7e10,
// from a first step of 2e-2 (0.02 of a point's scale, the usual) to 3e-13.
constexpr int kResolveLevels = 12;

bool steps_resolve_point(const ScalarFunction& phi, double phi0, const DerivativeEstimate& est, double noise) {
  if (est.ok() && !est.settled) return false;
  if (!est.ok() || est.stencil == Stencil::screen || !(est.h > 0)) return true;
  // S(h), or nullopt where a sample is unusable.
  auto second_difference = [&](double h) -> std::optional<double> {
    if (est.stencil == Stencil::central) {
      const Sample p = phi(h), m = phi(-h);
      if (!p.usable || !m.usable) return std::nullopt;
      return p.value + m.value - 2 * phi0;
    }
    const double t = est.stencil == Stencil::forward ? h : -h;
    const Sample one = phi(t), two = phi(2 * t);
    if (!one.usable || !two.usable) return std::nullopt;
    return two.value - 2 * one.value + phi0;
  };
  // From the estimate's first step down, 8-fold, while S stands above the rounding (where it no
  // longer does, a smaller step cannot show anything but rounding). A step whose samples are
  // unusable (a kink between them) says nothing about its scale; the next pair of usable ones
  // still does.
  double coarse = -1;  // |S| at the step above; negative: no usable step there
  double h = est.h;
  for (int level = 0; level <= kResolveLevels; ++level, h /= 8) {
    const std::optional<double> s = second_difference(h);
    if (!s || !std::isfinite(*s)) {
      coarse = -1;
      continue;
    }
    const double fine = std::abs(*s);
    if (coarse >= 0 && fine > coarse / 16 + 4 * noise) return false;
    if (fine <= 64 * noise) return true;
    coarse = fine;
  }
  return true;
}

bool finer_steps_side_with(const ScalarFunction& phi, const DerivativeEstimate& est, double engine, double noise) {
  if (!est.ok() || !(est.h > 0)) return false;
  const double gap = std::abs(engine - est.value);
  for (const double h : {std::ldexp(est.h, -12), std::ldexp(est.h, -16)}) {
    // Only a difference whose rounding cannot carry it across half the gap is evidence.
    if (!(2 * noise / h < gap / 2)) continue;
    const Sample p = phi(h), m = phi(-h);
    if (!p.usable || !m.usable) continue;
    const double d = (p.value - m.value) / (2 * h);
    if (std::isfinite(d) && std::abs(d - engine) < std::abs(d - est.value)) return true;
  }
  return false;
}

DerivativeEstimate ridders_one_sided(const ScalarFunction& phi, double phi0, Stencil side, const RiddersOptions& opt) {
  int evaluations = 0;
  for (double h = opt.h_start; h >= opt.h_floor && h > 0; h /= 2) {
    ++evaluations;
    if (!phi(side == Stencil::forward ? h : -h).usable) continue;
    DerivativeEstimate e = ridders_multi_start(phi, phi0, side, h, opt);
    e.evaluations += evaluations;
    return e;
  }
  DerivativeEstimate none;
  none.evaluations = evaluations;
  return none;
}

// --- the oracle -----------------------------------------------------------------------------

namespace {

constexpr const char* kOracle = "finite_difference";

// φ(t) = f(base + t·u) on one source, u = e_index (element mode) or `direction`. A sample is
// usable where f is finite and its branch signature is `expected`: the base point's, or for a
// one-sided difference at a kink the signature on that side.
class Line {
 public:
  Line(const Objective& o, ObjectiveRunner<double>& runner, std::size_t source, std::int64_t index,
       const std::vector<double>* direction)
      : o_(o), runner_(runner), x_(runner.source(source)), base_(o.base.at(o.sources[source].name)),
        source_(source), index_(index), direction_(direction), expected_(&o.branches) {}

  // The same line, its samples usable on the side whose signature is `expected`.
  Line on_side(const Branches& expected) const {
    Line l = *this;
    l.expected_ = &expected;
    return l;
  }

  Sample operator()(double t) const { return sample(t, nullptr); }

  // The branch signature at t; nullopt where f does not evaluate to a finite number.
  std::optional<Branches> signature(double t) const {
    Branches b;
    if (!sample(t, &b).usable) return std::nullopt;
    return b;
  }

  const Objective& objective() const { return o_; }

 private:
  // With `signature`: every finite sample is usable and its signature is copied there.
  Sample sample(double t, Branches* signature) const {
    Sample s;
    if (direction_) {
      for (std::size_t i = 0; i < x_.size(); ++i) x_[i] = base_[i] + t * (*direction_)[i];
      s.offset = t;
    } else {
      const auto j = static_cast<std::size_t>(index_);
      x_[j] = base_[j] + t;
      s.offset = x_[j] - base_[j];  // the step actually taken
      if (s.offset == 0) {
        x_[j] = base_[j];
        return s;
      }
    }
    try {
      s.value = runner_.run(true);
      s.usable = std::isfinite(s.value) && (signature || same_branches(runner_.branches(), *expected_));
      if (signature && s.usable) *signature = runner_.branches();
    } catch (const std::exception&) {
      s.usable = false;
    }
    if (direction_)
      runner_.restore(source_);
    else
      x_[static_cast<std::size_t>(index_)] = base_[static_cast<std::size_t>(index_)];
    return s;
  }

  const Objective& o_;
  ObjectiveRunner<double>& runner_;
  std::vector<double>& x_;
  const std::vector<double>& base_;
  std::size_t source_;
  std::int64_t index_;
  const std::vector<double>* direction_;
  const Branches* expected_;
};

// A point on kinks whose rules the engine's profile states: the one-sided difference (or the
// mean of both) that stands for the engine's derivative there (profile_kinks.hpp), from the
// signatures at the smallest steps either side. !ok() with `why` set where there is none.
DerivativeEstimate at_profile_kinks(const Line& phi, double phi0, const eut::SemanticsProfile& profile,
                                    const std::vector<const OpDef*>& base_ops, const RiddersOptions& ro,
                                    const char*& why) {
  const std::optional<Branches> plus = phi.signature(ro.h_floor), minus = phi.signature(-ro.h_floor);
  if (!plus || !minus) {
    why = "no stencil free of kinks: the point lies on a kink, and f is not finite beside it";
    return {};
  }
  const Objective& o = phi.objective();
  const KinkRule rule = profile_kink_rule(profile, o.branches, base_ops, *plus, *minus);
  why = rule.why;
  auto side = [&](Stencil s) {
    const Line one = phi.on_side(s == Stencil::forward ? *plus : *minus);
    return ridders_one_sided([&one](double h) { return one(h); }, phi0, s, ro);
  };
  switch (rule.stencil) {
    case KinkStencil::none: return {};
    case KinkStencil::forward: return side(Stencil::forward);
    case KinkStencil::backward: return side(Stencil::backward);
    case KinkStencil::mean: {
      const DerivativeEstimate right = side(Stencil::forward), left = side(Stencil::backward);
      if (!right.ok() || !left.ok()) return {};
      DerivativeEstimate both = right;
      both.value = (right.value + left.value) / 2;
      both.error = (right.error + left.error) / 2;
      both.evaluations += left.evaluations;
      return both;
    }
  }
  return {};
}

// Ridders' estimate of φ'(0) again, recording φ: the plain central difference at every step h
// where both φ(h) and φ(-h) were usable, and the estimate.
Evidence::StepSweep step_sweep(const ScalarFunction& phi, double phi0, const RiddersOptions& ro, std::int64_t entry) {
  std::map<double, Sample> samples;  // by offset requested
  const DerivativeEstimate est = ridders_derivative(
      [&](double t) {
        const Sample s = phi(t);
        samples.emplace(t, s);
        return s;
      },
      phi0, ro);
  Evidence::StepSweep sweep;
  sweep.entry = entry;
  sweep.chosen_h = est.h;
  sweep.estimate = est.value;
  sweep.error = est.error;
  for (const auto& [t, plus] : samples) {
    if (t <= 0 || !plus.usable) continue;
    const auto minus = samples.find(-t);
    if (minus == samples.end() || !minus->second.usable) continue;
    const double hp = plus.offset != 0 ? plus.offset : t, hm = minus->second.offset != 0 ? -minus->second.offset : t;
    sweep.steps.push_back({t, (plus.value - minus->second.value) / (hp + hm)});
  }
  return sweep;
}

constexpr const char* kUnresolved =
    "the differences do not resolve f near the point: its second difference does not shrink with the step "
    "(f varies on a scale below the smallest step, as next to a pole)";

// Per task: the screening difference (pass 1), then whether Ridders' estimate awaits the
// decision (pass 3).
struct Slot {
  bool screened = false;  // the screening stencil was usable
  double screen_d = 0, screen_h = 0;
  bool pending = false;
  DerivativeEstimate ridders;  // pass 3's estimate (its stencil and first step)
};

}  // namespace

std::vector<Finding> check_finite_differences(const graph::Graph& g, const eut::InputValues& inputs,
                                              const eut::RunResult& engine_result,
                                              const FdOptions& opt) {
  return check_finite_differences(PreparedObjectives(g, inputs, opt.semantics ? *opt.semantics : eut::tf_profile()),
                                  engine_result, opt);
}

std::vector<Finding> check_finite_differences(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                              const FdOptions& opt) {
  std::vector<Finding> findings;
  const bool projection = opt.mode == FdOptions::Mode::projection;
  const eut::SemanticsProfile& semantics = opt.semantics ? *opt.semantics : eut::tf_profile();
  for (int k = 0; k < prepared.count(); ++k) {
    const Objective& o = prepared.objective(k);
    const ToleranceContext& ctx = o.tolerance;
    const std::size_t n_sources = o.statement.sources.size();
    // Every element, or random directions with the engine's <g, u> for each.
    EntryPlan plan = plan_entries(o, engine_result, kOracle, !projection,
                                  DirectionDraw{opt.directions, opt.seed, 0x6664ULL});
    const std::vector<EntryTask>& tasks = plan.tasks;
    const std::vector<const eut::Value*>& engine = plan.engine;

    // The absolute rounding of one value of f, and each source's scale of steps.
    const double noise = rounding_bound(ctx, ctx.oracle_unit, o.magnitude);
    const double radius = kink_radius(ctx);
    std::vector<double> source_scale(n_sources, 1.0);
    for (std::size_t s = 0; s < n_sources; ++s)
      if (engine[s]) source_scale[s] = point_scale(o.base.at(o.sources[s].name));

    std::vector<Slot> slots(tasks.size());
    std::vector<EntryCheck> checks(tasks.size());
    auto scale_of = [&](const EntryTask& t) {
      if (projection) return source_scale[t.source];
      const double x = o.base.at(o.sources[t.source].name)[static_cast<std::size_t>(t.index)];
      return std::max(std::abs(x), 1.0);
    };
    auto line = [&](ObjectiveRunner<double>& runner, std::size_t t) {
      return Line(o, runner, tasks[t].source, tasks[t].index, projection ? &plan.directions[t] : nullptr);
    };

    // The screen's step: relative to the point's scale — in projection mode shrunk to where its
    // rounding is a quarter of what the screen may err (screen_resolution × the engine's terms
    // T = Σ|g_i u_i|): a direction adds up the curvature of every element, and at the relative
    // step its truncation error alone can exceed the resolution (BENCH_GRAPH: 2e-5 of <g, u>,
    // so every direction went to Ridders). The rounding counted is f's (2·noise/h) and that of
    // the perturbed inputs x_i + t·u_i, which moves f by up to u·Σ|g_i x_i| ≤ 2u·scale·T
    // (|u_i| ≥ 0.5) at each point. Never inside the kink radius.
    auto screen_step = [&](std::size_t t) {
      const double scale = scale_of(tasks[t]);
      const double h = opt.screen_step * scale;
      const double terms = plan.engine_entries[t].terms;
      if (!projection || !(terms > 0) || !std::isfinite(terms)) return h;
      const double input_rounding = 2 * unit_roundoff(DType::f64) * scale * terms;
      const double balanced = 4 * 2 * (noise + input_rounding) / (opt.screen_resolution * terms);
      return std::min(h, std::max(balanced, radius * scale));
    };

    const auto n_tasks = static_cast<std::int64_t>(tasks.size());
    // The engine's rounding observed on this graph; it only matters next to FD's own error
    // when the engine ran in f32. In f64 only the per-node bound stays, built on a
    // disagreement: where the differences are exact (a function linear along the element,
    // batch_norm's Σ y ≡ 0: FD 0 ± 8e-28) the engine's f64 rounding of cancelled terms,
    // -4e-16, is all that differs.
    const RoundingProbe per_node_only = rounding_sensitivity(o, {}, 0, 1, 0, 0);
    const RoundingProbe& rho = ctx.engine_unit > unit_roundoff(DType::f64)
                                   ? prepared.rounding_probe(k, engine, opt.probe_seed, opt.threads)
                                   : per_node_only;
    // 1. The screening central difference of every task, in parallel: each thread owns its
    //    compiled evaluator and writes only its tasks' slots.
    if (opt.screen && n_tasks > 0) {
#pragma omp parallel num_threads(threads_or_default(opt.threads))
      {
        const RunnerLease<double> lease = prepared.runner<double>(k);
        ObjectiveRunner<double>& runner = *lease;
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t t = 0; t < n_tasks; ++t) {
          Slot& slot = slots[static_cast<std::size_t>(t)];
          const Line phi = line(runner, static_cast<std::size_t>(t));
          const double h = screen_step(static_cast<std::size_t>(t));
          const Sample p = phi(h), m = phi(-h);
          if (p.usable && m.usable) {
            slot.screened = true;
            slot.screen_h = std::min(p.offset, -m.offset);
            slot.screen_d = (p.value - m.value) / (p.offset - m.offset);
          }
        }
      }
    }
    // 2. In order (cheap): each source's gradient norm from the screen — it scales the
    //    engine's rounding: an f32 backward pass errs relative to the largest terms it sums,
    //    not to each small entry — then the tasks the screen settles. The rest need Ridders.
    std::vector<double> norm(n_sources, 0.0);
    if (!projection)
      for (std::size_t t = 0; t < tasks.size(); ++t)
        if (slots[t].screened) norm[tasks[t].source] = std::max(norm[tasks[t].source], std::abs(slots[t].screen_d));
    std::vector<std::size_t> need_ridders;
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      const Slot& slot = slots[t];
      const EngineEntry& engine_entry = plan.engine_entries[t];
      EntryCheck& c = checks[t];
      const double e = engine_entry.value;
      c.engine = e;
      const double norm_s = norm[tasks[t].source];
      if (slot.screened && std::isfinite(e)) {
        const double scale = std::max(std::abs(slot.screen_d), projection ? engine_entry.terms : norm_s);
        const double rounding = 2 * noise / slot.screen_h;
        const double err = rounding + opt.screen_resolution * scale;
        const double terms = std::max({engine_entry.terms, std::abs(slot.screen_d), norm_s});
        const double observed =
            rho.observed(tasks[t].source, projection ? engine_entry.rms : terms, engine_entry.direction_norm);
        const Tolerance tol = tolerance(ctx, err, terms, observed);
        // Trusted only where its rounding is below its resolution: else Ridders decides.
        if (rounding <= opt.screen_resolution * scale && within(e, slot.screen_d, tol)) {
          c.state = EntryCheck::State::agree;
          c.reference = slot.screen_d;
          c.error = err;
          c.tolerance = tol.total();
          continue;
        }
      }
      if (excuse_nan_leaked_by_where(o, c)) {
        c.reference = slot.screen_d;
        continue;
      }
      need_ridders.push_back(t);
    }
    // 3. Ridders' estimates, in parallel, only where needed. At a point on kinks whose rules
    //    the engine's profile states, the one-sided difference on its side — where the engine
    //    ran in f64, so that its values lie on the kinks where the oracle's do.
    const auto n_ridders = static_cast<std::int64_t>(need_ridders.size());
    std::vector<const OpDef*> base_ops;
    bool profile_kinks = n_ridders > 0 && states_kink_rules(semantics) && ctx.engine_unit <= unit_roundoff(DType::f64);
    if (profile_kinks) {
      try {
        ObjectiveRunner<double> runner(o);
        runner.run(true);
        base_ops = runner.branch_ops();
        profile_kinks = same_branches(runner.branches(), o.branches);
      } catch (const std::exception&) {
        profile_kinks = false;
      }
    }
    if (n_ridders > 0) {
#pragma omp parallel num_threads(threads_or_default(opt.threads))
      {
        const RunnerLease<double> lease = prepared.runner<double>(k);
        ObjectiveRunner<double>& runner = *lease;
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t k = 0; k < n_ridders; ++k) {
          const std::size_t t = need_ridders[static_cast<std::size_t>(k)];
          EntryCheck& c = checks[t];
          const double scale = scale_of(tasks[t]);
          const RiddersOptions ro = ridders_options(opt, scale, radius, noise);
          const Line phi = line(runner, t);
          DerivativeEstimate est = ridders_derivative([&phi](double h) { return phi(h); }, o.value, ro);
          const char* why = "no stencil free of kinks: the point lies on a kink (within the engine's rounding)";
          if (!est.ok() && profile_kinks) {
            est = at_profile_kinks(phi, o.value, semantics, base_ops, ro, why);
            if (est.ok()) c.why = "at a kink: the one-sided difference on the side the engine's semantics profile states";
          }
          if (!est.ok()) {
            c.state = EntryCheck::State::inconclusive;
            c.why = why;
            c.reason = "kink";
            continue;
          }
          c.reference = est.value;
          c.error = est.error;
          slots[t].pending = true;
          slots[t].ridders = est;
        }
      }
    }

    // 4. In order (cheap): the norms with Ridders' values included, then the decisions.
    std::optional<ObjectiveRunner<double>> confirm_runner;
    if (!projection)
      for (std::size_t t = 0; t < tasks.size(); ++t)
        if (slots[t].pending)
          norm[tasks[t].source] = std::max(norm[tasks[t].source], std::abs(checks[t].reference));
    // An entry's verdict against its reference (c.reference ± c.error): the tolerance from the
    // terms behind it and the rounding observed in the engine, widened by the per-node bound
    // only where that decides.
    const auto judge = [&](std::size_t t, EntryCheck& c) {
      const EngineEntry& engine_entry = plan.engine_entries[t];
      const double terms = std::max({engine_entry.terms, std::abs(c.reference), norm[tasks[t].source]});
      const double observed =
          rho.observed(tasks[t].source, projection ? engine_entry.rms : terms, engine_entry.direction_norm);
      Tolerance tol = tolerance(ctx, c.error, terms, observed);
      if (!within(c.engine, c.reference, tol)) {
        const std::vector<double>* direction = projection ? &plan.directions[t] : nullptr;
        tol = tolerance(ctx, c.error, terms, std::max(observed, rho.per_node(tasks[t].source, tasks[t].index, direction)));
      }
      c.tolerance = tol.total();
      c.state = within(c.engine, c.reference, tol) ? EntryCheck::State::agree : EntryCheck::State::mismatch;
    };
    std::optional<bool> rounding_kink;  // kink_within_rounding, once per objective if needed
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      if (!slots[t].pending) continue;
      EntryCheck& c = checks[t];
      judge(t, c);
      double f_noise = noise;
      // f's noise above is relative to f, but f rounds relative to the terms behind it: where the
      // graph converts to f32 f is a staircase (each cast rounds relative to its own values,
      // which a cancelling target — Σ ≈ 4e-5 of terms ~2.5: soak graph 64092 — does not show;
      // two stencil points on one step agreed by chance: -0.369167 ± 2.5e-6 against the true
      // -0.368982), and f64 absorbs (a cross-entropy of logits 52 apart is 0 in f64, its
      // gradient 2.6e-23: 145485). Judged again with f's noise from its terms: rare, so serial.
      if (c.state == EntryCheck::State::mismatch && rho.running) {
        const double steps = rho.running->oracle_rounding();
        if (steps > noise) {
          f_noise = steps;
          if (!confirm_runner) confirm_runner.emplace(o);
          const Line phi = line(*confirm_runner, t);
          const DerivativeEstimate est = ridders_derivative([&phi](double h) { return phi(h); }, o.value,
                                                            ridders_options(opt, scale_of(tasks[t]), radius, f_noise));
          if (est.ok()) {
            slots[t].ridders = est;
            c.reference = est.value;
            c.error = est.error;
            judge(t, c);
          }
        }
      }
      if (c.state == EntryCheck::State::mismatch) {
        // Rare, so serial: one evaluator for the statement's mismatches.
        if (!confirm_runner) confirm_runner.emplace(o);
        const Line phi = line(*confirm_runner, t);
        if (!steps_resolve_point([&phi](double h) { return phi(h); }, o.value, slots[t].ridders, f_noise)) {
          c.state = EntryCheck::State::inconclusive;
          c.why = kUnresolved;
          c.reason = "scale";
        }
      }
      // A kink within the engine's rounding of the point in another direction than this
      // entry's line: the engine's value may be the derivative on its other side.
      if (c.state == EntryCheck::State::mismatch && !*c.why) {
        if (!rounding_kink) rounding_kink = kink_within_rounding(o, radius, opt.seed ^ 0x6b696e6bULL);
        if (*rounding_kink) {
          c.state = EntryCheck::State::inconclusive;
          c.why = "a kink lies within the engine's rounding of the point (all inputs moved at once): its value may "
                  "be the derivative on the kink's other side";
          c.reason = "kink";
        }
      }
    }

    append_source_findings(o, plan, checks, kOracle, findings);
    // A mismatch shows how its worst entry's estimate came about: the sweep is evaluated again
    // (f is deterministic), since keeping every entry's samples would cost memory for nothing.
    const std::size_t first_finding = findings.size() - n_sources;
    for (std::size_t s = 0; s < n_sources; ++s) {
      Finding& f = findings[first_finding + s];
      if (f.outcome != Outcome::mismatch || f.evidence.entries.empty()) continue;
      const std::int64_t worst = worst_entry(f.evidence.entries);
      if (worst < 0) continue;
      const std::size_t t = plan.first[s] + static_cast<std::size_t>(worst);
      const RunnerLease<double> lease = prepared.runner<double>(k);
      const Line phi = line(*lease, t);
      f.evidence.sweep = step_sweep(phi, o.value, ridders_options(opt, scale_of(tasks[t]), radius, noise), worst);
    }
  }
  return findings;
}

std::vector<std::vector<Finding>> check_finite_differences(const std::vector<OracleCase>& cases, const FdOptions& options) {
  return check_cases(cases, options.threads, [&](const OracleCase& c, int threads) {
    FdOptions one = options;
    one.threads = threads;
    return check_finite_differences(*c.graph, *c.inputs, *c.result, one);
  });
}

}  // namespace tc::oracles
