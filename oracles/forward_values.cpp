#include "oracles/forward_values.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <memory>
#include <optional>
#include <set>

#include "engine/core/format.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/walk.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/objective.hpp"
#include "oracles/running_error.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

namespace {

constexpr const char* kOracle = "forward_values";

// Whether an op's result jumps as its operands move: a floating operand it does not
// differentiate (round, comparisons, argmax) or a result of another category (a cast to i32).
bool jumps(const OpDef& op, const std::vector<DType>& operand_dtypes, DType result) {
  for (std::size_t i = 0; i < operand_dtypes.size(); ++i)
    if (is_floating(operand_dtypes[i]) && !op.input(static_cast<int>(i)).differentiable()) return true;
  bool float_in = false;
  for (DType d : operand_dtypes) float_in = float_in || is_floating(d);
  return float_in && !is_floating(result);
}

// How far each value moves when every floating input moves by its dtype's unit roundoff
// (relative; all up, all down, and 4 seeded sign patterns): the engine rounds every op, and an
// ill-conditioned step (a division by a cancelled difference) amplifies that rounding far
// beyond the a-priori bound on the value's ancestors. The inputs' rounding, propagated by the
// graph itself, measures the amplification (campaign seed 11, graph 1351: 1/(‖x‖ − 3.53)).
std::map<std::string, double> observed_rounding(const graph::Graph& g, const std::map<std::string, std::vector<double>>& in,
                                                const Evaluation<double>& base) {
  std::map<std::string, double> moved;
  Evaluator<double> ev(g);
  std::mt19937_64 random(0x66767072ULL);
  for (int draw = 0; draw < 6; ++draw) {
    for (std::size_t i = 0; i < g.inputs.size(); ++i) {
      const graph::Input& input = g.inputs[i];
      const auto given = in.find(input.name);
      std::vector<double>& x = ev.input(i);
      x = given != in.end() ? given->second : base.values.at(input.name);
      const double u = unit_roundoff(input.dtype);
      for (double& v : x) {
        const bool up = draw == 0 || (draw > 1 && (random() & 1));
        v *= up ? 1 + u : 1 - u;
      }
    }
    try {
      ev.run(false);
    } catch (const std::exception&) {
      continue;
    }
    for (const auto& [name, values] : base.values) {
      const int slot = ev.slot(name);
      if (slot < 0 || !ev.defined(slot) || ev.value(slot).size() != values.size()) continue;
      double& m = moved[name];
      for (std::size_t k = 0; k < values.size(); ++k) {
        const double d = std::abs(ev.value(slot)[k] - values[k]);
        if (std::isfinite(d)) m = std::max(m, d);
      }
    }
  }
  return moved;
}

}  // namespace

std::vector<Finding> check_forward_values(const graph::Graph& g, const eut::InputValues& inputs,
                                          const eut::RunResult& run, const eut::SemanticsProfile& profile) {
  std::map<std::string, std::vector<double>> in;
  for (const auto& [name, v] : inputs) in[name] = v.data;
  Evaluation<double> ev;
  try {
    ev = evaluate<double>(g, in, false);
  } catch (const std::exception&) {
    return {};  // the graph raises: the connectivity oracle judges errors
  }

  // Per value, in execution order: the largest magnitude among it and its ancestors, its depth,
  // and whether a jump or control flow lies upstream.
  struct Facts {
    double magnitude = 0;
    double unit = 0;  // the largest unit roundoff among its dtype and its ancestors'

    std::int64_t depth = 0;
    bool judged = true;
  };
  std::map<std::string, Facts> facts;
  auto magnitude = [](const std::vector<double>& v) {
    double m = 0;
    for (double x : v)
      if (std::isfinite(x)) m = std::max(m, std::abs(x));
    return m;
  };
  for (const graph::Input& i : g.inputs)
    facts[i.name] = {magnitude(ev.values.count(i.name) ? ev.values.at(i.name) : std::vector<double>{}),
                     unit_roundoff(i.dtype), 0, true};
  std::string first_target;
  graph::walk(g.body, [&](const graph::Statement& s, const graph::Place& place) {
    if (const auto* gr = std::get_if<graph::Gradient>(&s.node)) {
      if (first_target.empty()) first_target = gr->target;
      return graph::Step::stop;
    }
    const auto* o = std::get_if<graph::OpStmt>(&s.node);
    if (std::holds_alternative<graph::Record>(s.node) || std::holds_alternative<graph::StopRecording>(s.node) ||
        std::holds_alternative<graph::Watch>(s.node))
      return graph::Step::next;  // transparent to values
    if (!o) {
      // Values a cond or while defines are judged by nothing here.
      graph::for_each_def(s, [&](const std::string& name) { facts[name].judged = false; });
      return graph::Step::skip_blocks;
    }
    Facts f;
    f.judged = !place.in_control_flow;
    std::vector<DType> dtypes;
    for (const std::string& operand : o->operands) {
      const Facts& a = facts[operand];
      f.magnitude = std::max(f.magnitude, a.magnitude);
      f.unit = std::max(f.unit, a.unit);
      f.depth = std::max(f.depth, a.depth);
      f.judged = f.judged && a.judged;
      dtypes.push_back(ev.specs.count(operand) ? ev.specs.at(operand).dtype : DType::f64);
    }
    f.depth += 1;
    const auto value = ev.values.find(o->result);
    if (value != ev.values.end()) f.magnitude = std::max(f.magnitude, magnitude(value->second));
    if (ev.specs.count(o->result)) f.unit = std::max(f.unit, unit_roundoff(ev.specs.at(o->result).dtype));
    const OpDef* op = find_op(o->op);
    if (op && ev.specs.count(o->result) && jumps(*op, dtypes, ev.specs.at(o->result).dtype)) f.judged = false;
    facts[o->result] = f;
    return graph::Step::next;
  });

  const double largest_value =
      profile.rounding == eut::Rounding::own_kernels ? largest_floating_value(ev.values, ev.specs) : 0.0;
  const std::map<std::string, double> rounding = observed_rounding(g, in, ev);
  // Where a value lies outside that allowance, its rounding bounded node by node
  // (running_error.hpp): a value of cancelled terms (x + 1001.84 − 1001.5, a determinant of a
  // nearly singular difference) carries rounding relative to the terms, not to its ancestors'
  // magnitude. One reverse sweep per element, so only for disagreements, and at most
  // kMaxSweeps per graph (a wrong kernel disagrees everywhere; its first elements say enough).
  constexpr int kMaxSweeps = 256;
  int sweeps = 0;
  std::optional<OpTrace> traced;
  std::unique_ptr<TraceSensitivity> sensitivity;
  auto per_node = [&](const std::string& name, std::size_t k) -> double {
    if (sweeps >= kMaxSweeps) return 0;
    ++sweeps;
    try {
      if (!traced) {
        traced = trace(g, in);
        sensitivity = std::make_unique<TraceSensitivity>(*traced);
      }
      if (!sensitivity->valid()) return 0;
      const auto id = traced->evaluation.tensors.find(name);
      const auto value = traced->evaluation.values.find(name);
      if (id == traced->evaluation.tensors.end() || value == traced->evaluation.values.end()) return 0;
      std::vector<double> seed(value->second.size(), 0.0);
      if (k >= seed.size()) return 0;
      seed[k] = 1.0;
      return kRoundingsPerNode * sensitivity->value_rounding(sensitivity->adjoints(id->second, seed));
    } catch (const std::exception&) {
      return 0;
    }
  };

  Finding out;
  out.oracle = kOracle;
  out.gradient = 0;
  out.target = first_target;
  out.outcome = Outcome::agree;
  std::string worst_detail;
  double worst_ratio = -1;
  std::int64_t mismatches = 0;
  for (const auto& [name, f] : facts) {
    if (!f.judged || f.depth == 0) continue;
    const auto e = run.values.find(name);
    const auto r = ev.values.find(name);
    if (e == run.values.end() || r == ev.values.end() || !is_floating(e->second.dtype)) continue;
    if (e->second.data.size() != r->second.size()) continue;  // the connectivity oracle judges shapes
    ToleranceContext ctx;
    ctx.engine_unit = std::max(f.unit, unit_roundoff(e->second.dtype));
    ctx.depth = f.depth;
    if (profile.rounding == eut::Rounding::own_kernels)
      ctx.cancellation_floor = rounding_bound(ctx, ctx.engine_unit, largest_value);
    const double observed = rounding.count(name) ? rounding.at(name) : 0.0;
    const Tolerance tol = tolerance(ctx, 0, f.magnitude, observed);
    for (std::size_t k = 0; k < r->second.size(); ++k) {
      const double want = r->second[k], got = e->second.data[k];
      if (!std::isfinite(want)) {
        ++out.entries_inconclusive;
        continue;
      }
      ++out.entries_checked;
      const double err = std::abs(got - want);
      Tolerance entry_tol = tol;
      if (!within(got, want, entry_tol) && std::isfinite(got))
        entry_tol = tolerance(ctx, 0, f.magnitude, std::max(observed, per_node(name, k)));
      const bool bad = !within(got, want, entry_tol);
      const double ratio = std::isfinite(err) ? err / std::max(entry_tol.total(), 1e-300) : INFINITY;
      out.max_abs_error = std::max(out.max_abs_error, std::isfinite(err) ? err : INFINITY);
      out.max_rel_error = std::max(out.max_rel_error, std::isfinite(err) ? relative_error(got, want) : INFINITY);
      if (bad) ++mismatches;
      if (bad && ratio > worst_ratio) {
        worst_ratio = ratio;
        out.tolerance = entry_tol.total();
        worst_detail = "forward value " + name + "[" + std::to_string(k) + "]: engine " + format_number(got) +
                       ", the op table's kernels in f64 " + format_number(want) + " (tolerance " +
                       format_number(entry_tol.total()) + ")";
      }
    }
  }
  if (mismatches == 0) return {};
  out.outcome = Outcome::mismatch;
  out.detail = std::to_string(mismatches) + " forward value elements disagree; worst: " + worst_detail;
  return {out};
}

}  // namespace tc::oracles
