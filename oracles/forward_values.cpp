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

// Whether an op's result jumps as its operands move: the table says so of its floating result
// (Trait::discontinuous: floor_mod, round, sign ...), or a floating operand gives a result of
// another category (a comparison's bool, argmax's or a cast's i32), which can only move by
// jumping.
bool jumps(const OpDef& op, const std::vector<DType>& operand_dtypes, DType result) {
  if (op.traits.has(Trait::discontinuous)) return true;
  bool float_in = false;
  for (DType d : operand_dtypes) float_in = float_in || is_floating(d);
  return float_in && !is_floating(result);
}

// The op's f64 kernel on `operands` (row-major, with their specs); nullopt where it throws.
std::optional<std::vector<double>> apply_kernel(const graph::OpStmt& o, const OpDef& op,
                                                const std::vector<std::vector<double>>& operands,
                                                const std::vector<TensorSpec>& specs, const TensorSpec& result,
                                                Branches* branches) {
  if (!op.forward_f64) return std::nullopt;
  std::vector<In<double>> ins;
  for (std::size_t i = 0; i < operands.size(); ++i) ins.push_back({operands[i].data(), specs[i]});
  std::vector<double> out(static_cast<std::size_t>(result.shape.numel()));
  try {
    op.forward_f64(o.attrs, ins.data(), static_cast<int>(ins.size()), {out.data(), result}, branches);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return out;
}

// The operands of `o` as the engine had them, with their specs: the engine's reported values,
// an input's given ones. nullopt where the engine does not report one.
template <class IsInput>
std::optional<std::pair<std::vector<std::vector<double>>, std::vector<TensorSpec>>> engine_operands(
    const graph::OpStmt& o, const Evaluation<double>& ev, const eut::RunResult& run, IsInput&& is_input) {
  std::vector<std::vector<double>> operands;
  std::vector<TensorSpec> specs;
  for (const std::string& name : o.operands) {
    const auto spec = ev.specs.find(name);
    const auto f64 = ev.values.find(name);
    if (spec == ev.specs.end() || f64 == ev.values.end()) return std::nullopt;
    const auto engine = run.values.find(name);
    if (engine != run.values.end() && engine->second.data.size() == f64->second.size())
      operands.push_back(engine->second.data);
    else if (is_input(name))
      operands.push_back(f64->second);  // inputs are given, not computed
    else
      return std::nullopt;
    specs.push_back(spec->second);
  }
  return std::make_pair(std::move(operands), std::move(specs));
}

// What the op gives, by the table's f64 kernel, on the engine's own operands; for an op that
// jumps also on those operands each moved by two units of their dtype's roundoff either way
// (every combination of directions), for the op's own rounding (floor_mod's a/b rounded onto
// an integer) may put the engine on either side. A value whose operands agree within their
// rounding but sit that close to a jump or a pole (a log_abs_det of a matrix that rounding
// made exactly singular) legitimately differs from the f64 evaluation of the whole graph;
// it is right if it is what the op makes of the operands the engine had. Empty where the
// engine does not report an operand.
template <class IsInput>
std::vector<std::vector<double>> results_on_engine_operands(const graph::OpStmt& o, const OpDef& op, bool jumpy,
                                                            const Evaluation<double>& ev, const eut::RunResult& run,
                                                            IsInput&& is_input) {
  const auto engine = engine_operands(o, ev, run, is_input);
  const auto result_spec = ev.specs.find(o.result);
  if (!engine || result_spec == ev.specs.end()) return {};
  const auto& [operands, specs] = *engine;
  std::vector<int> moved;  // the floating operands a jump's corners move
  if (jumpy)
    for (std::size_t i = 0; i < specs.size() && moved.size() < 3; ++i)
      if (is_floating(specs[i].dtype)) moved.push_back(static_cast<int>(i));
  std::vector<std::vector<double>> results;
  const int corners = jumpy ? 1 << moved.size() : 0;
  for (int corner = -1; corner < corners; ++corner) {  // -1: the operands as they are
    std::vector<std::vector<double>> at = operands;
    for (std::size_t m = 0; corner >= 0 && m < moved.size(); ++m) {
      const auto i = static_cast<std::size_t>(moved[m]);
      const double step = 2 * unit_roundoff(specs[i].dtype) * ((corner >> m) & 1 ? 1 : -1);
      for (double& v : at[i]) v *= 1 + step;
    }
    if (auto out = apply_kernel(o, op, at, specs, result_spec->second, nullptr)) results.push_back(std::move(*out));
  }
  return results;
}

// Whether the op's kernel sees the engine's operands on the same side of every jump as the
// evaluation's: a jump's result within the allowance may still stand on another step (floor_div
// 3 for 2 among large values), and what follows from it would differ by the step. Without the
// engine's operands: only a result equal to the evaluation's is known to be on its step.
template <class IsInput>
bool same_steps(const graph::OpStmt& o, const OpDef& op, const Evaluation<double>& ev, const eut::RunResult& run,
                IsInput&& is_input) {
  const auto engine = engine_operands(o, ev, run, is_input);
  const auto result_spec = ev.specs.find(o.result);
  if (result_spec == ev.specs.end()) return false;
  if (!engine) return run.values.count(o.result) && run.values.at(o.result).data == ev.values.at(o.result);
  std::vector<std::vector<double>> f64_operands;
  for (const std::string& name : o.operands) f64_operands.push_back(ev.values.at(name));
  Branches on_engine, on_f64;
  return apply_kernel(o, op, engine->first, engine->second, result_spec->second, &on_engine) &&
         apply_kernel(o, op, f64_operands, engine->second, result_spec->second, &on_f64) &&
         on_engine.sides == on_f64.sides;
}

bool same_number(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

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

  // Per value: the largest magnitude among it and its ancestors, its depth, and whether it is
  // comparable with the evaluation at all (not inside control flow, not downstream of a value
  // the engine legitimately computed differently: the other side of a jump, a pole).
  struct Facts {
    double magnitude = 0;
    double unit = 0;  // the largest unit roundoff among its dtype and its ancestors'

    std::int64_t depth = 0;
    bool comparable = true;
    const graph::OpStmt* stmt = nullptr;  // what computed it (null: an input)
    const OpDef* op = nullptr;
    bool jumps = false;
  };
  std::map<std::string, Facts> facts;
  std::vector<std::string> order;  // op results, in execution order
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
      graph::for_each_def(s, [&](const std::string& name) { facts[name].comparable = false; });
      return graph::Step::skip_blocks;
    }
    Facts f;
    f.comparable = !place.in_control_flow;
    f.stmt = o;
    std::vector<DType> dtypes;
    for (const std::string& operand : o->operands) {
      const Facts& a = facts[operand];
      f.magnitude = std::max(f.magnitude, a.magnitude);
      f.unit = std::max(f.unit, a.unit);
      f.depth = std::max(f.depth, a.depth);
      dtypes.push_back(ev.specs.count(operand) ? ev.specs.at(operand).dtype : DType::f64);
    }
    f.depth += 1;
    const auto value = ev.values.find(o->result);
    if (value != ev.values.end()) f.magnitude = std::max(f.magnitude, magnitude(value->second));
    if (ev.specs.count(o->result)) f.unit = std::max(f.unit, unit_roundoff(ev.specs.at(o->result).dtype));
    f.op = find_op(o->op);
    f.jumps = f.op && ev.specs.count(o->result) && jumps(*f.op, dtypes, ev.specs.at(o->result).dtype);
    facts[o->result] = f;
    order.push_back(o->result);
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
  auto is_input = [&](const std::string& name) { return facts.count(name) && !facts.at(name).stmt; };
  std::int64_t explained = 0;  // elements the op makes of the engine's own operands
  for (const std::string& name : order) {
    Facts& f = facts.at(name);
    for (const std::string& operand : f.stmt->operands) f.comparable = f.comparable && facts[operand].comparable;
    if (!f.comparable) continue;
    const auto e = run.values.find(name);
    const auto r = ev.values.find(name);
    if (e == run.values.end() || r == ev.values.end() || e->second.data.size() != r->second.size()) {
      // Not reported, or the connectivity oracle's shape to judge: what follows from it cannot
      // be told from the evaluation's where it jumps.
      f.comparable = !f.jumps;
      continue;
    }
    std::optional<std::vector<std::vector<double>>> on_engine_operands;
    auto engine_operands_explain = [&](std::size_t k, double got, const Tolerance& t) {
      if (!f.op) return false;
      if (!on_engine_operands) on_engine_operands = results_on_engine_operands(*f.stmt, *f.op, f.jumps, ev, run, is_input);
      for (const std::vector<double>& result : *on_engine_operands)
        if (k < result.size() && (same_number(got, result[k]) || within(got, result[k], t))) return true;
      return false;
    };
    if (!is_floating(e->second.dtype)) {
      // A bool or integer is not judged here; where it differs from the evaluation's (a
      // comparison of operands rounding made equal), what follows from it is not comparable.
      for (std::size_t k = 0; k < r->second.size() && f.comparable; ++k)
        if (!same_number(e->second.data[k], r->second[k])) f.comparable = false;
      continue;
    }
    ToleranceContext ctx;
    ctx.engine_unit = std::max(f.unit, unit_roundoff(e->second.dtype));
    ctx.depth = f.depth;
    if (profile.rounding == eut::Rounding::own_kernels)
      ctx.cancellation_floor = rounding_bound(ctx, ctx.engine_unit, largest_value);
    if (f.jumps && f.op && !same_steps(*f.stmt, *f.op, ev, run, is_input)) f.comparable = false;
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
      if (!within(got, want, entry_tol) && engine_operands_explain(k, got, entry_tol)) {
        // The other side of a jump or a pole the operands' rounding reached: inconclusive
        // here, and what follows from it is the engine's business, not the evaluation's.
        --out.entries_checked;
        ++out.entries_inconclusive;
        ++explained;
        f.comparable = false;
        continue;
      }
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
  if (explained > 0)
    out.detail += "; " + std::to_string(explained) +
                  " more differ but are what their op gives on the engine's own operands (rounding reached a jump "
                  "or a pole), and the values computed from them are not judged";
  return {out};
}

}  // namespace tc::oracles
