#include "oracles/check_all.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <utility>

#include "eut/inputs.hpp"
#include "oracles/complex_step.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/forward_mode.hpp"
#include "oracles/forward_values.hpp"
#include "oracles/second_order.hpp"

namespace tc::oracles {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::agree: return "agree";
    case Verdict::mismatch: return "mismatch";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::error_raised: return "error_raised";
    case Verdict::unverified: return "unverified";
  }
  return "?";
}

std::optional<Verdict> verdict_from_name(std::string_view s) {
  for (Verdict v : kAllVerdicts)
    if (s == verdict_name(v)) return v;
  return std::nullopt;
}

bool is_numerical(const Finding& f) { return f.oracle != "connectivity"; }

namespace {

// Lower is more precise: the oracle whose agreement says the most.
int precision_rank(const std::string& oracle) {
  static const char* order[] = {"complex_step", "forward_mode", "second_order", "finite_difference",
                                "connectivity"};
  for (int i = 0; i < 5; ++i)
    if (oracle == order[i]) return i;
  return 5;
}

std::string spec_text(const eut::Value& v) {
  return std::string(dtype_name(v.dtype)) + v.shape.str();
}

Finding oracle_failure(const char* oracle, const std::string& what) {
  Finding f;
  f.oracle = oracle;
  f.gradient = -1;
  f.outcome = Outcome::inconclusive;
  f.detail = std::string("the oracle failed: ") + what;
  return f;
}

// Runs one oracle, turning an exception into an inconclusive finding.
template <class Fn>
void run_oracle(CheckReport& report, const char* name, Fn&& fn) {
  report.oracles_run.push_back(name);
  try {
    std::vector<Finding> found = fn();
    for (Finding& f : found) report.findings.push_back(std::move(f));
  } catch (const std::exception& e) {
    report.findings.push_back(oracle_failure(name, e.what()));
  } catch (...) {
    report.findings.push_back(oracle_failure(name, "unknown exception"));
  }
}

std::int64_t floating_input_elements(const graph::Graph& g) {
  std::int64_t n = 0;
  for (const graph::Input& in : g.inputs)
    if (is_floating(in.dtype)) n += in.shape.numel();
  return n;
}

}  // namespace

Verdict combine(const std::vector<const Finding*>& findings, bool not_reached, bool value) {
  bool agree = false, judged = false;
  for (const Finding* f : findings) {
    if (f->outcome == Outcome::mismatch) return Verdict::mismatch;
    if (f->outcome == Outcome::agree) {
      agree = true;
      judged = judged || f->compared_entries;
    }
  }
  // A call the engine never made has no result to agree with, whatever oracles that run
  // their own programs (second order) found.
  if (not_reached) return Verdict::error_raised;
  if (!agree) return Verdict::inconclusive;
  // That a value is due says nothing about its numbers.
  return value && !judged ? Verdict::unverified : Verdict::agree;
}

namespace {

// Why no numerical oracle judged a value: each one's own reason, in a fixed order.
std::string why_unjudged(const std::vector<const Finding*>& findings) {
  std::string why;
  for (const char* oracle : {"finite_difference", "second_order", "complex_step", "forward_mode"})
    for (const Finding* f : findings)
      if (f->oracle == oracle && f->outcome != Outcome::agree && f->outcome != Outcome::mismatch) {
        why += (why.empty() ? "" : "; ") + f->oracle + " " + outcome_name(f->outcome) + ": " + f->detail;
        break;
      }
  return "no numerical oracle checked the value — " + (why.empty() ? std::string("none ran") : why);
}

}  // namespace

CheckReport check_graph(const graph::Graph& g, eut::EngineUnderTest& engine, const CheckOptions& options) {
  CheckReport report;
  report.engine = engine.name();

  eut::RunResult run;
  eut::InputValues inputs;
  try {
    inputs = eut::materialize_inputs(g, options.inputs);
  } catch (const std::exception& e) {
    report.run.error = eut::RaisedError{eut::ErrorKind::input, e.what(), {}};
    report.verdict = Verdict::error_raised;
    return report;
  }
  try {
    run = engine.run(g, inputs);
  } catch (const std::exception& e) {
    run.error = eut::RaisedError{eut::ErrorKind::engine_threw, e.what(), {}};
  } catch (...) {
    run.error = eut::RaisedError{eut::ErrorKind::engine_threw, "unknown exception", {}};
  }

  report.run.values = static_cast<std::int64_t>(run.values.size());
  report.run.gradient_calls = static_cast<std::int64_t>(run.gradients.size());
  for (const eut::GradientResult& r : run.gradients)
    for (const auto& v : r.values) {
      ++report.run.results;
      if (!v) ++report.run.none_results;
    }
  report.run.error = run.error;
  report.run.warnings = run.warnings;

  const std::uint64_t seed = options.seed;
  const eut::SemanticsProfile& semantics = engine.semantics();
  run_oracle(report, "connectivity",
             [&] { return check_connectivity(g, inputs, run, engine.capabilities(), semantics); });
  if (options.forward_values) run_oracle(report, "forward_values", [&] { return check_forward_values(g, inputs, run, semantics); });
  const bool per_element = floating_input_elements(g) <= options.per_element_limit;
  // The objectives the numerical oracles share, prepared by the first that needs them (a
  // failure to prepare is each oracle's failure, as when each prepared its own).
  std::optional<PreparedObjectives> prepared_once;
  auto prepared = [&]() -> const PreparedObjectives& {
    if (!prepared_once) prepared_once.emplace(g, inputs, semantics);
    return *prepared_once;
  };
  if (options.finite_differences)
    run_oracle(report, "finite_difference", [&] {
      FdOptions o;
      o.threads = options.threads;
      o.seed = mix_seed(seed ^ 0x6664ULL);
      o.probe_seed = mix_seed(seed ^ o.probe_seed);
      o.mode = per_element ? FdOptions::Mode::full : FdOptions::Mode::projection;
      return check_finite_differences(prepared(), run, o);
    });
  if (options.complex_step)
    run_oracle(report, "complex_step", [&] {
      ComplexStepOptions o;
      o.threads = options.threads;
      o.per_element = per_element;
      o.seed = mix_seed(seed ^ 0x6373ULL);
      o.judge_kink_rules = engine.capabilities().table_kink_rules;
      o.probe_seed = mix_seed(seed ^ o.probe_seed);
      return check_complex_step(prepared(), run, o);
    });
  if (options.forward_mode)
    run_oracle(report, "forward_mode", [&] {
      ForwardModeOptions o;
      o.threads = options.threads;
      o.judge_kink_rules = engine.capabilities().table_kink_rules;
      o.seed = mix_seed(seed ^ 0x666dULL);
      o.probe_seed = mix_seed(seed ^ o.probe_seed);
      return check_forward_mode(prepared(), run, o);
    });
  // Second order runs the engine itself (nested and first-order programs per statement); only
  // statements the engine reached are worth it.
  if (options.second_order && !(run.error && run.gradients.empty()))
    run_oracle(report, "second_order", [&] {
      SecondOrderOptions o;
      o.seed = mix_seed(seed ^ 0x736fULL);
      std::vector<Finding> all;
      int statements = count_gradient_statements(g);
      if (run.error) statements = std::min(statements, static_cast<int>(run.gradients.size()));
      for (int k = 0; k < statements; ++k)
        for (Finding& f : check_second_order(engine, g, inputs, k, o)) all.push_back(std::move(f));
      return all;
    });

  // A numerical oracle's finding compared entries if it judged any (the connectivity oracle
  // marks its own: the exact zeros of R7).
  for (Finding& f : report.findings)
    if (is_numerical(f) && f.entries_checked > 0 && f.outcome != Outcome::not_applicable) f.compared_entries = true;

  // Group the findings by (gradient, source), in order of first appearance after a stable
  // sort by gradient index: connectivity lists every source of every call first.
  std::vector<const Finding*> sorted;
  for (const Finding& f : report.findings) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Finding* a, const Finding* b) { return a->gradient < b->gradient; });
  std::vector<std::pair<int, std::string>> keys;
  std::map<std::pair<int, std::string>, std::vector<const Finding*>> groups;
  for (const Finding* f : sorted) {
    if (f->gradient < 0) continue;  // an oracle failure, not about one pair
    auto key = std::make_pair(f->gradient, f->source);
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) keys.push_back(key);
    it->second.push_back(f);
  }

  // The engine's answer per (gradient, source position): connectivity's findings for a call
  // name its sources in order.
  std::map<std::pair<int, std::string>, std::pair<std::string, std::string>> engine_answer;
  for (std::size_t i = 0; i < run.gradients.size(); ++i) {
    std::vector<std::string> names;
    for (const Finding& f : report.findings)
      if (f.oracle == "connectivity" && f.gradient == static_cast<int>(i) && !f.source.empty())
        names.push_back(f.source);
    const eut::GradientResult& r = run.gradients[i];
    if (names.size() != r.values.size()) continue;
    for (std::size_t k = 0; k < names.size(); ++k) {
      const auto key = std::make_pair(static_cast<int>(i), names[k]);
      if (engine_answer.count(key)) continue;
      std::string why = k < r.why_none.size() ? r.why_none[k] : "";
      engine_answer[key] = {r.values[k] ? spec_text(*r.values[k]) : "None",
                            r.values[k] ? std::string() : why};
    }
  }

  bool any_mismatch = false, any_inconclusive = false, any_unverified = false;
  for (const Finding& f : report.findings) any_inconclusive |= f.gradient < 0;
  for (const auto& key : keys) {
    const std::vector<const Finding*>& fs = groups[key];
    SourceVerdict sv;
    sv.gradient = key.first;
    sv.source = key.second;
    for (const Finding* f : fs)
      if (!f->target.empty()) {
        sv.target = f->target;
        break;
      }
    const bool not_reached = run.error && key.first >= static_cast<int>(run.gradients.size());
    if (auto it = engine_answer.find(key); it != engine_answer.end()) {
      sv.engine_value = it->second.first;
      sv.why_none = it->second.second;
    }
    const bool value = !sv.engine_value.empty() && sv.engine_value != "None";
    sv.verdict = combine(fs, not_reached, value);
    const bool none = sv.engine_value == "None";
    auto rank = [none](const std::string& oracle) {
      return none && oracle == "connectivity" ? -1 : precision_rank(oracle);
    };
    const Finding* decisive = nullptr;
    for (const Finding* f : fs) {
      switch (sv.verdict) {
        case Verdict::mismatch:
          if (f->outcome == Outcome::mismatch &&
              (!decisive || f->max_rel_error > decisive->max_rel_error))
            decisive = f;
          break;
        case Verdict::agree:
          // A None both sides agree on is the connectivity oracle's to explain.
          if (f->outcome == Outcome::agree && (none || f->compared_entries) &&
              (!decisive || rank(f->oracle) < rank(decisive->oracle)))
            decisive = f;
          break;
        case Verdict::unverified:
          if (f->outcome == Outcome::agree && !decisive) decisive = f;
          break;
        default:
          if (!decisive && f->outcome == Outcome::inconclusive) decisive = f;
      }
    }
    if (!decisive && !fs.empty()) decisive = fs.front();
    if (decisive) {
      sv.oracle = decisive->oracle;
      sv.detail = decisive->detail;
      sv.max_rel_error = decisive->max_rel_error;
      sv.max_abs_error = decisive->max_abs_error;
      sv.tolerance = decisive->tolerance;
    }
    if (sv.verdict == Verdict::unverified) sv.detail = why_unjudged(fs);
    any_mismatch |= sv.verdict == Verdict::mismatch;
    any_inconclusive |= sv.verdict == Verdict::inconclusive;
    any_unverified |= sv.verdict == Verdict::unverified;
    report.sources.push_back(std::move(sv));
  }

  if (any_mismatch)
    report.verdict = Verdict::mismatch;
  else if (run.error)
    report.verdict = Verdict::error_raised;
  else if (any_inconclusive || report.sources.empty())
    report.verdict = Verdict::inconclusive;
  else if (any_unverified)
    report.verdict = Verdict::unverified;
  else
    report.verdict = Verdict::agree;
  return report;
}

}  // namespace tc::oracles
