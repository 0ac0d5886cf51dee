#include "oracles/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "engine/core/format.hpp"
#include "eut/inputs.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

std::string SourcePrediction::sentence(const std::string& target) const {
  const std::string d = "d " + target + " / d " + source;
  if (connected) return d + ": a value (a recorded, gradient-passing path connects them)";
  std::string s = d + (zero_filled ? " is zeros (unconnected=zero; None otherwise): "
                                   : " is None: ");
  s += reason_words(reason);
  switch (reason) {
    case NoneReason::not_watched: return s + " (" + detail + ")";
    case NoneReason::integer_source: return s + " (" + source + " is integer/bool, R3)";
    case NoneReason::integer_target: return s + " (" + target + " is integer/bool, R3)";
    case NoneReason::no_path:
      return s + " (" + (detail.empty() ? target + " does not depend on " + source : detail) + ")";
    case NoneReason::cut: break;
  }
  s += " —";
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const Cut& c = cuts[i];
    s += std::string(i ? ";" : "") + " at " + c.node + " (" + c.op + ", input " +
         std::to_string(c.input) + "): " + rule_words(c.rule);
    if (c.rule == CutRule::integer_dtype && !c.input_node.empty())
      s += " (" + c.input_node + " is " + c.input_dtype + ")";
  }
  return s;
}

namespace {

std::string where(const graph::Location& at) {
  return at.line ? " (line " + std::to_string(at.line) + ")" : "";
}

bool all_zero(const eut::Value& v) {
  return std::all_of(v.data.begin(), v.data.end(), [](double x) { return x == 0.0; });
}

// Where a predicted None comes from, for a person to see on the graph: the cut nearest the
// target (the first path's), or the source itself when the tape does not watch it.
std::optional<Evidence::Cut> nearest_cut(const SourcePrediction& s) {
  if (s.connected) return std::nullopt;
  if (s.reason == NoneReason::not_watched) return Evidence::Cut{s.source, "", -1, reason_words(s.reason)};
  if (s.reason != NoneReason::cut || s.cuts.empty()) return std::nullopt;
  const Cut& c = s.cuts.front();
  return Evidence::Cut{c.node, c.op, c.input, rule_words(c.rule)};
}

std::vector<Finding> with_predicted_cuts(const ConnectivityPrediction& pred, std::vector<Finding> findings) {
  for (Finding& f : findings) {
    if (f.gradient < 0 || static_cast<std::size_t>(f.gradient) >= pred.gradients.size()) continue;
    for (const SourcePrediction& s : pred.gradients[static_cast<std::size_t>(f.gradient)].sources)
      if (s.source == f.source) f.evidence.cut = nearest_cut(s);
  }
  return findings;
}

// The first element where `after` is not before - lr * g within the rounding of the step's
// three operations (lr rounded to the dtype, the product, the difference), or "" if none.
// Numbers are spelled with 17 digits: the differences are a few units in the last place.
std::string wrong_update(const eut::Value& before, const eut::Value& g, const eut::Value& after, double lr) {
  if (after.shape != before.shape || after.dtype != before.dtype)
    return "the variable became " + std::string(dtype_name(after.dtype)) + after.shape.str() + ", it is " +
           std::string(dtype_name(before.dtype)) + before.shape.str();
  if (g.data.size() != before.data.size() || after.data.size() != before.data.size())
    return "the gradient has " + std::to_string(g.data.size()) + " elements for " +
           std::to_string(before.data.size());
  const double u = unit_roundoff(before.dtype);
  // Below the smallest normal number a result keeps fewer significant bits: its rounding is up
  // to half the spacing of subnormals, absolute (0 - 0.01 * 2.7e-40 in f32 is -2.7269e-42, not
  // the exact -2.7276e-42).
  const double subnormal_spacing = before.dtype == DType::f32 ? std::numeric_limits<float>::denorm_min()
                                                              : std::numeric_limits<double>::denorm_min();
  for (std::size_t i = 0; i < before.data.size(); ++i) {
    const double step = lr * g.data[i], expected = before.data[i] - step, got = after.data[i];
    if (std::isnan(expected) ? std::isnan(got) : got == expected) continue;
    const double allowed = kEngineSafety * 3 * (u * (std::fabs(before.data[i]) + std::fabs(step)) + subnormal_spacing);
    if (std::isfinite(expected) && std::fabs(got - expected) <= allowed) continue;
    return "element " + std::to_string(i) + " is " + format_number(got, 17) + ", v - learning_rate * g = " +
           format_number(before.data[i], 17) + " - " + format_number(lr, 17) + " * " + format_number(g.data[i], 17) + " = " +
           format_number(expected, 17);
  }
  return "";
}

// The optimizer steps (R14) against the engine's: one finding per predicted step.
void check_steps(const ConnectivityPrediction& pred, const eut::RunResult& run, std::vector<Finding>& out) {
  std::map<std::string, eut::Value> current = run.values;  // each variable's value before the next step
  for (std::size_t j = 0; j < pred.steps.size(); ++j) {
    const StepPrediction& p = pred.steps[j];
    Finding f;
    f.oracle = "connectivity";
    f.gradient = std::max(p.after_gradient, 0);
    f.target = "apply_gradients";
    f.entries_checked = 1;
    const std::string at = "the optimizer step" + where(p.loc);
    std::string none_names;
    for (const StepPrediction::Variable& v : p.variables)
      if (v.none) none_names += (none_names.empty() ? "'" : ", '") + eut::bare_name(v.name) + "'";
    auto judge = [&](Outcome o, std::string detail) {
      f.outcome = o;
      f.detail = at + ": " + std::move(detail);
      if (o == Outcome::inconclusive) f.entries_checked = 0, f.entries_inconclusive = 1;
      out.push_back(f);
    };
    const bool ran = j < run.steps.size();
    const bool raised_here = !ran && run.error && run.error->kind == eut::ErrorKind::no_gradients;
    if (!ran && !raised_here) {
      judge(run.error ? Outcome::inconclusive : Outcome::mismatch,
            run.error ? "the engine stopped before it with " + std::string(eut::error_kind_phrase(run.error->kind))
                      : "the engine neither ran it nor raised an error");
      continue;
    }
    if (p.raises) {
      if (ran) {
        judge(Outcome::mismatch, "the engine applied it, but no variable has a gradient: TF raises \"No gradients "
                                 "provided for any variable\" (R14) — " + none_names);
        continue;
      }
      std::string unnamed;
      for (const StepPrediction::Variable& v : p.variables)
        if (run.error->message.find("'" + eut::bare_name(v.name) + "'") == std::string::npos)
          unnamed += (unnamed.empty() ? "'" : ", '") + eut::bare_name(v.name) + "'";
      if (!unnamed.empty())
        judge(Outcome::mismatch, "the engine raised \"" + run.error->message +
                                     "\" without naming the variable(s) " + unnamed + " (R14)");
      else
        judge(Outcome::agree, "both raise: no variable has a gradient (R14)");
      continue;
    }
    if (raised_here) {
      judge(Outcome::mismatch, "the engine raised \"" + run.error->message + "\", but some variables have a gradient" +
                                   (none_names.empty() ? "" : " (None only for " + none_names + ")") +
                                   ": TF applies those (R14)");
      continue;
    }
    const eut::StepResult& r = run.steps[j];
    if (r.variables.size() != p.variables.size()) {
      judge(Outcome::mismatch, "the engine reported " + std::to_string(r.variables.size()) + " variables for " +
                                   std::to_string(p.variables.size()));
      continue;
    }
    std::string problem;
    for (std::size_t k = 0; k < p.variables.size() && problem.empty(); ++k) {
      const StepPrediction::Variable& v = p.variables[k];
      const std::string name = "'" + eut::bare_name(v.name) + "'";
      if (v.none && r.variables[k]) {
        problem = "the engine updated " + name + ", whose gradient is None (" + v.why + "): R14 leaves it unchanged";
      } else if (!v.none && !r.variables[k]) {
        problem = "the engine left " + name + " unchanged, but its gradient is a value";
      } else if (!v.none) {
        const auto before = current.find(v.name);
        const auto g = run.values.find(v.gradient);
        if (before == current.end() || g == run.values.end()) {
          problem = "the engine did not report the value of " + name + " or of its gradient";
          break;
        }
        const std::string wrong = wrong_update(before->second, g->second, *r.variables[k], p.learning_rate);
        if (!wrong.empty()) problem = "the engine updated " + name + " wrongly: " + wrong;
        current[v.name] = *r.variables[k];
      }
    }
    if (problem.empty() && !none_names.empty() && r.warning.empty())
      problem = "the engine gave no warning that " + none_names + " have no gradient (R14)";
    if (!problem.empty())
      judge(Outcome::mismatch, problem);
    else
      judge(Outcome::agree, none_names.empty() ? "every variable updated by v - learning_rate * g"
                                               : "warned that " + none_names +
                                                     " have no gradient, updated the others by v - learning_rate * g");
  }
}

}  // namespace

std::vector<Finding> check_connectivity(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& run, const eut::Capabilities& engine,
                                        const eut::SemanticsProfile& profile) {
  const ConnectivityPrediction pred = predict_connectivity(g, inputs, profile);
  std::vector<Finding> out;
  auto finding = [&](int index, const std::string& target, const std::string& source, Outcome o,
                     std::string detail) {
    Finding f;
    f.oracle = "connectivity";
    f.gradient = index;
    f.target = target;
    f.source = source;
    f.outcome = o;
    f.detail = std::move(detail);
    f.entries_checked = o == Outcome::inconclusive ? 0 : 1;
    f.entries_inconclusive = o == Outcome::inconclusive ? 1 : 0;
    out.push_back(std::move(f));
  };
  // An error the graph does not raise by the semantics (the prediction runs it to the end) is
  // the engine's own failure: a VJP that made a gradient of the wrong shape, an op it cannot
  // run. Only resource limits are the engine's to set, and what it says it does not support
  // (an op it lacks) is a graph to skip, not a wrong answer.
  const bool allowed_tape_error = run.error && run.error->kind == eut::ErrorKind::tape && pred.may_stop_from &&
                                  static_cast<int>(run.gradients.size()) >= *pred.may_stop_from;
  const bool unexpected_error =
      run.error && !pred.error && run.error->kind != eut::ErrorKind::limit &&
      run.error->kind != eut::ErrorKind::unsupported && !allowed_tape_error;
  const std::size_t n = std::max(pred.gradients.size(), run.gradients.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int index = static_cast<int>(i);
    if (i >= run.gradients.size()) {
      // The engine stopped before this gradient() (or never reached it).
      const GradientPrediction& p = pred.gradients[i];
      const std::string why =
          run.error ? "the engine stopped with " + std::string(eut::error_kind_phrase(run.error->kind)) +
                          where(run.error->at) + ": " + run.error->message +
                          (unexpected_error ? ", an error the graph does not raise" : "")
                    : "the engine ran only " + std::to_string(run.gradients.size()) + " gradient() calls";
      for (const SourcePrediction& s : p.sources)
        finding(index, p.target, s.source,
                run.error && !unexpected_error ? Outcome::inconclusive : Outcome::mismatch,
                why + "; predicted " + s.sentence(p.target));
      continue;
    }
    const eut::GradientResult& r = run.gradients[i];
    if (i >= pred.gradients.size()) {
      const bool forbidden =
          pred.error && (pred.error->kind == eut::ErrorKind::tape || pred.error->kind == eut::ErrorKind::none_used);
      const std::string why =
          pred.error ? "predicted the run to stop before this gradient() with " +
                           std::string(eut::error_kind_phrase(pred.error->kind)) + where(pred.error->at) +
                           ": " + pred.error->message
                     : "predicted only " + std::to_string(pred.gradients.size()) + " gradient() calls";
      finding(index, "", "", forbidden ? Outcome::mismatch : Outcome::inconclusive,
              "the engine ran gradient() #" + std::to_string(i) + " but " + why);
      continue;
    }
    const GradientPrediction& p = pred.gradients[i];
    if (r.values.size() != p.sources.size()) {
      finding(index, p.target, "", Outcome::mismatch,
              "the engine returned " + std::to_string(r.values.size()) + " results for " +
                  std::to_string(p.sources.size()) + " sources (R12: one per source)");
      continue;
    }
    // Through a gradient of a gradient the model is approximate: a None-or-value disagreement
    // there is no evidence either way.
    const Outcome disagreement = p.approximate ? Outcome::inconclusive : Outcome::mismatch;
    const std::string approximate_note =
        p.approximate ? " (third order or higher: the model of a gradient's gradient is approximate, "
                        "so this is not evidence)"
                      : "";
    for (std::size_t k = 0; k < p.sources.size(); ++k) {
      const SourcePrediction& s = p.sources[k];
      const std::optional<eut::Value>& v = r.values[k];
      const std::string engine_why =
          k < r.why_none.size() && !r.why_none[k].empty() ? " (the engine: " + r.why_none[k] + ")" : "";
      if (s.is_none()) {
        if (v && !engine.exact_none && all_zero(*v))
          finding(index, p.target, s.source, Outcome::inconclusive,
                  "the engine returned zeros and cannot tell None from zero; predicted " +
                      s.sentence(p.target));
        else if (v)
          finding(index, p.target, s.source, disagreement,
                  "the engine returned a value where None is predicted: " + s.sentence(p.target) + approximate_note);
        else
          finding(index, p.target, s.source, Outcome::agree, "both None: " + s.sentence(p.target));
        continue;
      }
      if (!v) {
        finding(index, p.target, s.source, disagreement,
                "the engine returned None" + engine_why + " where a value is predicted: " +
                    s.sentence(p.target) + approximate_note);
        continue;
      }
      // The source's shape and dtype (R6, R7).
      const graph::Input* input = nullptr;
      for (const graph::Input& in : g.inputs)
        if (in.name == s.source) input = &in;
      std::string problem;
      const auto src_spec = run.values.find(s.source);
      if (src_spec != run.values.end()) {
        if (v->shape != src_spec->second.shape || v->dtype != src_spec->second.dtype)
          problem = "the value is " + std::string(dtype_name(v->dtype)) + v->shape.str() +
                    " but the source is " + std::string(dtype_name(src_spec->second.dtype)) +
                    src_spec->second.shape.str() + " (R6)";
      } else if (input && (v->shape != input->shape || v->dtype != input->dtype)) {
        problem = "the value is " + std::string(dtype_name(v->dtype)) + v->shape.str() +
                  " but the source is " + std::string(dtype_name(input->dtype)) + input->shape.str() +
                  " (R6)";
      }
      if (problem.empty() && s.zero_filled && !all_zero(*v))
        problem = "a non-zero value where unconnected=zero must give zeros (R7)";
      if (!problem.empty()) {
        finding(index, p.target, s.source, Outcome::mismatch, problem + "; predicted " + s.sentence(p.target));
      } else {
        finding(index, p.target, s.source, Outcome::agree, s.sentence(p.target));
        // R7's zeros are known entry by entry: every one was compared with 0.
        if (s.zero_filled) {
          out.back().compared_entries = true;
          out.back().entries_checked = static_cast<std::int64_t>(v->data.size());
        }
      }
    }
  }
  check_steps(pred, run, out);
  return with_predicted_cuts(pred, std::move(out));
}

}  // namespace tc::oracles
