#include "oracles/objective.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <limits>
#include <set>
#include <utility>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/inputs.hpp"
#include "graph/walk.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/evaluate.hpp"

namespace tc::oracles {

namespace {

// --- walking the statement tree -----------------------------------------------------------

// Gradient statements in pre-order, with whether each sits inside cond/while_loop.
std::vector<std::pair<const graph::Gradient*, bool>> collect_gradients(const graph::Block& block) {
  std::vector<std::pair<const graph::Gradient*, bool>> out;
  graph::walk(block, [&](const graph::Statement& s, const graph::Place& place) {
    if (const auto* g = std::get_if<graph::Gradient>(&s.node)) out.emplace_back(g, place.in_control_flow);
  });
  return out;
}

// `block` without the Gradient statements numbered below `k` (pre-order), ending with
// statement k; `removed` collects the results of the dropped ones.
void strip(graph::Block& block, int k, std::set<std::string>& removed) {
  int counter = 0;  // numbers the Gradient statements met so far
  bool reached = false;
  graph::rewrite(
      block,
      [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
        if (const auto* g = std::get_if<graph::Gradient>(&s.node)) {
          if (reached) return;
          const int index = counter++;
          if (index < k) {
            removed.insert(g->results.begin(), g->results.end());
            return;
          }
          reached = true;
        } else if (std::holds_alternative<graph::Record>(s.node) ||
                   std::holds_alternative<graph::StopRecording>(s.node)) {
          // A tape block is kept while it holds something from before statement k.
          bool empty = true;
          graph::for_each_block(s, [&](const graph::Block& b, graph::BlockRole) { empty = b.empty(); });
          if (empty) return;
        } else {
          if (reached) return;
          // cond/while: a gradient inside one comes after statement k (checked by the caller).
          counter += static_cast<int>(collect_gradients({s}).size());
        }
        out.push_back(std::move(s));
      },
      graph::Enter::tape_blocks);
}

// Every name a statement reads.
void collect_uses(const graph::Block& block, std::set<std::string>& uses) {
  graph::walk(block, [&](const graph::Statement& s, const graph::Place&) {
    graph::for_each_use(s, [&](const std::string& n) { uses.insert(n); });
  });
}

// Removes the op statements defining `names` (top level or inside record blocks only).
void without(graph::Block& block, const std::set<std::string>& names) {
  graph::rewrite(
      block,
      [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
        if (const auto* o = std::get_if<graph::OpStmt>(&s.node); o && names.count(o->result)) return;
        out.push_back(std::move(s));
      },
      graph::Enter::tape_blocks);
}

// Static facts about the ops up to the target statement, for the tolerance model.
struct OpFacts {
  std::int64_t depth = 0;
  double op_factor = 1.0;
  bool casts_to_f32 = false;
  bool has_where = false;
};

void op_facts(const graph::Block& block, OpFacts& f) {
  // Loop bodies count once per assumed iteration: a loop's rounding grows with its trip count.
  graph::walk(block, [&](const graph::Statement& s, const graph::Place& place) {
    const auto* o = std::get_if<graph::OpStmt>(&s.node);
    if (!o) return;
    f.depth += place.assumed_trips;
    const OpDef* op = find_op(o->op);
    if (!op) return;
    f.op_factor = std::max(f.op_factor, op->tolerance_factor);
    if (op->result.converts_to(DType::f32, o->attrs)) f.casts_to_f32 = true;
    if (op->selects()) f.has_where = true;
  });
}

// --- which values the tape treats as constants ----------------------------------------------
//
// A flow-sensitive walk of the prepared graph for the statement's tape, mirroring the
// engine's recording rule (docs/engine.md "Recording"): an op is recorded iff the tape is
// recording and some operand is tracked along a gradient-passing edge (differentiable class,
// floating operand and output). Alongside, which values move when the sources move: `smooth`
// if they move continuously, `piecewise` if only by jumps (comparisons, floor, integer casts).
// A value that moves smoothly but is not recorded — or is a stop_gradient — is a constant to
// the tape and must be frozen.
class TapeAnalysis {
 public:
  enum class Dep : std::uint8_t { none, piecewise, smooth };

  TapeAnalysis(const graph::Graph& g, const graph::Gradient& target_stmt,
               const Evaluation<double>& base)
      : target_(&target_stmt), tape_(target_stmt.tape), specs_(base.specs), tensors_(base.tensors),
        base_(base) {
    for (const graph::TapeDecl& t : g.tapes)
      if (t.name == tape_) watch_accessed_ = t.watch_accessed_variables;
    for (const graph::Input& in : g.inputs) inputs_[in.name] = &in;
    for (const std::string& s : target_stmt.sources)
      if (inputs_.count(s) && is_floating(inputs_.at(s)->dtype)) dep_[s] = Dep::smooth;
  }

  void run(const graph::Block& block) { walk(block); }

  std::vector<std::string> frozen;
  std::string problem;            // non-empty: a value to freeze sits inside control flow
  std::string complex_ineligible; // first op without complex extension the derivative flows through

 private:
  Dep dep(const std::string& n) const {
    auto it = dep_.find(n);
    return it == dep_.end() ? Dep::none : it->second;
  }
  bool floating(const std::string& n) const {
    auto it = specs_.find(n);
    return it == specs_.end() || is_floating(it->second.dtype);
  }
  bool tracked(const std::string& n) const {
    if (tracked_.count(n)) return true;
    if (auto t = tensors_.find(n); t != tensors_.end() && watched_tensors_.count(t->second)) return true;
    auto it = inputs_.find(n);
    if (it == inputs_.end() || it->second->kind != graph::InputKind::variable) return false;
    // A variable read while recording is watched if trainable (and the tape watches
    // accessed variables) or if it was watched explicitly.
    return watched_vars_.count(n) || (it->second->trainable && watch_accessed_);
  }

  void walk(const graph::Block& block) {
    for (const graph::Statement& s : block) {
      if (stop_) return;
      std::visit([&](const auto& node) { exec(node); }, s.node);
    }
  }

  void exec(const graph::OpStmt& s) {
    const OpDef& op = get_op(s.op);
    TensorSpec out_spec;
    if (auto it = specs_.find(s.result); it != specs_.end()) {
      out_spec = it->second;
    } else {
      // A value of an untaken branch: its spec from the op's rule, if its operands' are known.
      std::vector<TensorSpec> in;
      bool known = true;
      for (const std::string& o : s.operands) {
        auto jt = specs_.find(o);
        if (jt == specs_.end()) known = false; else in.push_back(jt->second);
      }
      out_spec.dtype = DType::f64;
      if (known) {
        try {
          out_spec = op.infer(s.attrs, in.data(), static_cast<int>(in.size()));
        } catch (const std::exception&) {
        }
      }
      specs_[s.result] = out_spec;
    }
    const bool out_floating = is_floating(out_spec.dtype);
    // stop_gradient's kind of op: its value moves with the held input, the tape holds it fixed.
    const bool holds_constant = op.holds_input_constant();
    bool recorded = false, any_dep = false, smooth_in = false, smooth_held = false;
    for (std::size_t i = 0; i < s.operands.size(); ++i) {
      const std::string& o = s.operands[i];
      const InputDef& in = op.input(static_cast<int>(i));
      const bool passes = in.differentiable() && floating(o) && out_floating;
      if (passes && recording_ && tracked(o)) recorded = true;
      const Dep d = dep(o);
      if (d != Dep::none) any_dep = true;
      if (d == Dep::smooth && passes) smooth_in = true;
      if (d == Dep::smooth && in.grad == InputGrad::stop_gradient) smooth_held = true;
    }
    if (!any_dep) {
      if (recorded) tracked_.insert(s.result);
      return;
    }
    if (smooth_in && !op.complex_step_ok && complex_ineligible.empty()) complex_ineligible = s.op;
    const bool smooth = out_floating && (smooth_in || smooth_held);
    if (smooth && (!recorded || holds_constant)) {
      if (control_depth_ > 0) {
        if (problem.empty())
          problem = s.result + " = " + s.op + " moves with the sources but the tape treats it as a "
                    "constant, inside cond/while_loop where it cannot be held fixed";
      } else {
        frozen.push_back(s.result);
      }
      return;  // frozen: a constant from here on
    }
    if (recorded) tracked_.insert(s.result);
    dep_[s.result] = smooth ? Dep::smooth : Dep::piecewise;
  }

  void exec(const graph::Record& r) {
    const bool saved = recording_;
    if (r.tape == tape_) recording_ = true;
    walk(r.body);
    recording_ = saved;
  }

  void exec(const graph::StopRecording& r) {
    const bool saved = recording_;
    if (r.tape == tape_) recording_ = false;
    walk(r.body);
    recording_ = saved;
  }

  void exec(const graph::Watch& w) {
    if (w.tape != tape_) return;
    for (const std::string& v : w.values) {
      auto it = inputs_.find(v);
      if (it != inputs_.end() && it->second->kind == graph::InputKind::variable) {
        watched_vars_.insert(v);
        // Its value tensor too: a loop that ran zero times returns that very tensor.
        if (auto t = tensors_.find(v); t != tensors_.end()) watched_tensors_.insert(t->second);
      } else {
        tracked_.insert(v);
        // Watching a tensor watches every name bound to it, also those bound earlier (a
        // while_loop that ran zero times returns its initial tensor itself).
        if (auto t = tensors_.find(v); t != tensors_.end()) watched_tensors_.insert(t->second);
      }
    }
  }

  // A result takes the strongest dependence and the tracking of what it may be.
  void join(const std::string& result, const std::vector<std::string>& from) {
    Dep d = dep_.count(result) ? dep_[result] : Dep::none;
    bool t = tracked_.count(result) > 0;
    for (const std::string& f : from) {
      d = std::max(d, dep(f));
      t = t || tracked(f);
    }
    if (d != Dep::none) dep_[result] = d;
    if (t) tracked_.insert(result);
  }

  // Outside control flow the base point says which branch runs (and how often a loop does):
  // only that branch is analysed. A perturbation that changes it changes the branch signature,
  // which the oracles treat as a kink, so the other branch never matters.
  void exec(const graph::Cond& c) {
    std::optional<bool> then_taken;
    if (control_depth_ == 0)
      if (auto it = base_.then_taken.find(&c); it != base_.then_taken.end()) then_taken = it->second;
    ++control_depth_;
    if (then_taken.value_or(true)) walk(c.then_body);
    if (!then_taken.value_or(false)) walk(c.else_body);
    --control_depth_;
    for (std::size_t k = 0; k < c.results.size(); ++k) {
      std::vector<std::string> from;
      if (k < c.then_yield.size() && then_taken.value_or(true)) from.push_back(c.then_yield[k]);
      if (k < c.else_yield.size() && !then_taken.value_or(false)) from.push_back(c.else_yield[k]);
      join(c.results[k], from);
      if (dep(c.pred) != Dep::none && dep(c.results[k]) == Dep::none)
        dep_[c.results[k]] = Dep::piecewise;  // the branch taken moves with the sources
      if (dep(c.results[k]) == Dep::smooth && !tracked(c.results[k]) && problem.empty())
        problem = c.results[k] + " (a cond result) moves with the sources but the tape does not "
                  "track it; it cannot be held fixed";
    }
  }

  void exec(const graph::While& w) {
    const std::size_t n = std::min(w.params.size(), w.init.size());
    if (control_depth_ == 0)
      if (auto it = base_.trips.find(&w); it != base_.trips.end() && it->second == 0) {
        for (std::size_t k = 0; k < n; ++k) join(w.params[k], {w.init[k]});
        ++control_depth_;
        walk(w.cond_body);  // runs once; the body never does
        --control_depth_;
        for (std::size_t k = 0; k < w.results.size() && k < n; ++k) join(w.results[k], {w.init[k]});
        return;
      }
    ++control_depth_;
    for (std::size_t k = 0; k < n; ++k) join(w.params[k], {w.init[k]});
    // Iterate to a fixed point: dependence and tracking only grow.
    for (int round = 0; round < 64; ++round) {
      const auto dep_before = dep_;
      const auto tracked_before = tracked_;
      walk(w.cond_body);
      walk(w.body);
      for (std::size_t k = 0; k < n && k < w.body_yield.size(); ++k) join(w.params[k], {w.body_yield[k]});
      if (dep_ == dep_before && tracked_ == tracked_before) break;
    }
    --control_depth_;
    for (std::size_t k = 0; k < w.results.size() && k < n; ++k) join(w.results[k], {w.params[k]});
  }

  void exec(const graph::Gradient& g) {
    if (&g == target_) stop_ = true;
  }

  const graph::Gradient* target_;
  std::string tape_;
  std::map<std::string, TensorSpec> specs_;
  const std::map<std::string, std::uint64_t>& tensors_;  // at the base point (evaluate.hpp)
  std::set<std::uint64_t> watched_tensors_;
  const Evaluation<double>& base_;
  std::map<std::string, const graph::Input*> inputs_;
  std::map<std::string, Dep> dep_;
  std::set<std::string> tracked_;
  std::set<std::string> watched_vars_;
  bool watch_accessed_ = true;
  bool recording_ = false;
  int control_depth_ = 0;
  bool stop_ = false;
};

const graph::Gradient* first_gradient(const graph::Block& block) {
  const std::vector<std::pair<const graph::Gradient*, bool>> all = collect_gradients(block);
  return all.empty() ? nullptr : all.front().first;
}

double abs_part(double x) { return std::abs(x); }
double abs_part(const c128& x) { return std::abs(x.imag()); }
double abs_part(const Dual& x) { return std::abs(x.d); }

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

int count_gradient_statements(const graph::Graph& g) {
  return static_cast<int>(collect_gradients(g.body).size());
}

Objective make_objective(const graph::Graph& g, const eut::InputValues& inputs, int gradient) {
  Objective o;
  o.gradient = gradient;
  const std::vector<std::pair<const graph::Gradient*, bool>> all = collect_gradients(g.body);
  if (gradient < 0 || gradient >= static_cast<int>(all.size())) {
    o.not_applicable = "the graph has no Gradient statement number " + std::to_string(gradient);
    return o;
  }
  o.statement = *all[static_cast<std::size_t>(gradient)].first;
  for (int i = 0; i <= gradient; ++i)
    if (all[static_cast<std::size_t>(i)].second) {
      o.not_applicable = "a gradient() inside cond/while_loop comes before this one: its execution "
                         "order is data-dependent";
      return o;
    }
  for (const std::string& s : o.statement.sources) o.sources.push_back({s, {}, ""});

  // The prepared graph: earlier gradients dropped, everything after this one too.
  graph::Graph prepared = g;
  std::set<std::string> removed;
  strip(prepared.body, gradient, removed);
  {
    std::set<std::string> uses;
    collect_uses(prepared.body, uses);
    for (const std::string& r : removed)
      if (uses.count(r)) {
        o.not_applicable = "uses " + r + ", the result of an earlier gradient() (second order: "
                           "the second-order oracle checks it through the engine)";
        return o;
      }
  }

  // The base point.
  std::map<std::string, std::vector<double>> base;
  Evaluation<double> ev;
  try {
    const eut::InputValues values = eut::materialize_inputs(g, inputs);
    for (const graph::Input& in : g.inputs) base[in.name] = values.at(in.name).data;
    ev = evaluate<double>(prepared, base, false);
  } catch (const std::exception& e) {
    o.not_applicable = std::string("the graph does not evaluate at the base point: ") + e.what();
    return o;
  }
  const graph::Gradient* target_stmt = first_gradient(prepared.body);
  if (!ev.stopped_by || ev.stopped_by != target_stmt) {
    o.not_applicable = "evaluation did not reach the gradient() statement";
    return o;
  }

  // Sources: graph inputs of a floating dtype.
  for (ObjectiveSource& s : o.sources) {
    auto it = std::find_if(g.inputs.begin(), g.inputs.end(),
                           [&](const graph::Input& in) { return in.name == s.name; });
    if (it == g.inputs.end()) {
      s.why_not = s.name + " is an intermediate value, not a graph input; the generic evaluator "
                  "cannot override it (the connectivity and second-order oracles cover it)";
      if (auto jt = ev.specs.find(s.name); jt != ev.specs.end()) s.spec = jt->second;
      continue;
    }
    s.spec = {it->dtype, it->shape};
    if (!is_floating(it->dtype)) s.why_not = s.name + " has dtype " + std::string(dtype_name(it->dtype)) +
                                             ": no gradient (R3)";
  }

  // R7: with unconnected=zero a source the tape never connects to the target gets zeros,
  // whatever the derivative of f is. The connectivity oracle predicts which sources those are
  // (from the graph alone, not from the engine) and judges their zeros; no numerical oracle
  // compares them.
  if (o.statement.unconnected == graph::Unconnected::zero) {
    const ConnectivityPrediction p = predict_connectivity(g, inputs);
    if (static_cast<int>(p.gradients.size()) > gradient) {
      const GradientPrediction& gp = p.gradients[static_cast<std::size_t>(gradient)];
      for (std::size_t i = 0; i < o.sources.size() && i < gp.sources.size(); ++i)
        if (gp.sources[i].zero_filled && o.sources[i].why_not.empty())
          o.sources[i].why_not = gp.sources[i].sentence(o.statement.target) +
                                 " — R7's zeros, whatever the derivative; the connectivity oracle judges them";
    }
  }

  // Values the tape treats as constants.
  TapeAnalysis analysis(prepared, *target_stmt, ev);
  try {
    analysis.run(prepared.body);
  } catch (const std::exception& e) {
    o.not_applicable = std::string("cannot analyse the graph: ") + e.what();
    return o;
  }
  if (!analysis.problem.empty()) {
    o.not_applicable = analysis.problem;
    return o;
  }
  o.frozen = analysis.frozen;
  o.complex_ineligible = analysis.complex_ineligible;
  if (!o.frozen.empty()) {
    const std::set<std::string> names(o.frozen.begin(), o.frozen.end());
    without(prepared.body, names);
    for (const std::string& n : o.frozen) {
      graph::Input in;
      in.name = n;
      in.dtype = ev.specs.at(n).dtype;
      in.shape = ev.specs.at(n).shape;
      in.kind = graph::InputKind::constant;
      in.init.kind = graph::Init::Kind::values;
      in.init.values = ev.values.at(n);
      base[n] = ev.values.at(n);
      prepared.inputs.push_back(std::move(in));
    }
  }

  // Tolerance facts.
  OpFacts facts;
  op_facts(prepared.body, facts);
  o.tolerance.depth = std::max<std::int64_t>(facts.depth, 1);
  o.tolerance.op_factor = facts.op_factor;
  o.tolerance.oracle_unit = facts.casts_to_f32 ? unit_roundoff(DType::f32) : unit_roundoff(DType::f64);
  double engine_unit = unit_roundoff(DType::f64);
  for (const auto& [name, spec] : ev.specs)
    if (is_floating(spec.dtype)) engine_unit = std::max(engine_unit, unit_roundoff(spec.dtype));
  o.tolerance.engine_unit = engine_unit;
  o.has_where = facts.has_where;

  // The target and the cotangent.
  auto target = ev.specs.find(o.statement.target);
  if (target == ev.specs.end()) {
    o.not_applicable = o.statement.target + " is not defined before the gradient() statement";
    return o;
  }
  o.target_spec = target->second;
  if (!is_floating(o.target_spec.dtype)) {
    o.not_applicable = "the target " + o.statement.target + " has dtype " +
                       std::string(dtype_name(o.target_spec.dtype)) + ": every gradient is None (R3)";
    return o;
  }
  const std::size_t n_target = ev.values.at(o.statement.target).size();
  if (o.statement.output_gradients) {
    auto v = ev.values.find(*o.statement.output_gradients);
    if (v == ev.values.end()) {
      o.not_applicable = "output_gradients " + *o.statement.output_gradients + " is not defined";
      return o;
    }
    if (v->second.size() != n_target) {
      o.not_applicable = "output_gradients " + *o.statement.output_gradients + " has " +
                         std::to_string(v->second.size()) + " elements, the target " +
                         std::to_string(n_target);
      return o;
    }
    o.cotangent = v->second;
  } else {
    o.cotangent.assign(n_target, 1.0);
  }

  o.graph = std::move(prepared);
  o.base = std::move(base);
  try {
    ObjectiveValue<double> f0 = evaluate_objective<double>(o, o.base, true);
    o.value = f0.value;
    o.magnitude = f0.magnitude;
    o.branches = std::move(f0.branches);
  } catch (const std::exception& e) {
    o.not_applicable = std::string("the prepared graph does not evaluate: ") + e.what();
    return o;
  }
  if (!std::isfinite(o.value))
    o.not_applicable = "f = Σ v·" + o.statement.target + " is not finite at the base point (" +
                       fmt(o.value) + ")";
  return o;
}

template <class S>
ObjectiveValue<S> evaluate_objective(const Objective& o,
                                     const std::map<std::string, std::vector<S>>& inputs,
                                     bool record_branches) {
  Evaluation<S> ev = evaluate<S>(o.graph, inputs, record_branches);
  auto it = ev.values.find(o.statement.target);
  if (it == ev.values.end()) throw Error(o.statement.target + " is not defined at this point");
  const std::vector<S>& t = it->second;
  if (t.size() != o.cotangent.size())
    throw Error(o.statement.target + " changed size from " + std::to_string(o.cotangent.size()) +
                " to " + std::to_string(t.size()));
  ObjectiveValue<S> out;
  S sum = S(0);
  double mag = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const S term = S(o.cotangent[i]) * t[i];
    sum += term;
    mag += abs_part(term);
  }
  out.value = sum;
  out.magnitude = mag;
  out.branches = std::move(ev.branches);
  return out;
}

template ObjectiveValue<double> evaluate_objective(const Objective&,
                                                   const std::map<std::string, std::vector<double>>&, bool);
template ObjectiveValue<c128> evaluate_objective(const Objective&,
                                                 const std::map<std::string, std::vector<c128>>&, bool);
template ObjectiveValue<Dual> evaluate_objective(const Objective&,
                                                 const std::map<std::string, std::vector<Dual>>&, bool);

template <class S>
std::map<std::string, std::vector<S>> lift(const Objective& o) {
  std::map<std::string, std::vector<S>> out;
  for (const auto& [name, v] : o.base) out[name].assign(v.begin(), v.end());
  return out;
}

template std::map<std::string, std::vector<double>> lift(const Objective&);
template std::map<std::string, std::vector<c128>> lift(const Objective&);
template std::map<std::string, std::vector<Dual>> lift(const Objective&);

bool same_branches(const Branches& a, const Branches& b) { return a.sides == b.sides; }

bool near_kink(const Objective& o, ObjectiveRunner<double>& runner, std::size_t source,
               std::int64_t index, const std::vector<double>* direction, double delta) {
  std::vector<double>& x = runner.source(source);
  const std::vector<double>& base = o.base.at(o.sources[source].name);
  bool kink = false;
  for (const double t : {delta, -delta}) {
    if (direction)
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = base[i] + t * (*direction)[i];
    else
      x[static_cast<std::size_t>(index)] = base[static_cast<std::size_t>(index)] + t;
    bool same = false;
    try {
      same = std::isfinite(runner.run(true)) && same_branches(runner.branches(), o.branches);
    } catch (const std::exception&) {
    }
    runner.restore(source);
    if (!same) kink = true;
  }
  return kink;
}

template <class S>
ObjectiveRunner<S>::ObjectiveRunner(const Objective& o) : o_(&o), ev_(o.graph) {
  for (std::size_t i = 0; i < o.graph.inputs.size(); ++i) {
    const std::vector<double>& b = o.base.at(o.graph.inputs[i].name);
    ev_.input(i).assign(b.begin(), b.end());
  }
  for (const ObjectiveSource& s : o.sources) {
    std::size_t index = static_cast<std::size_t>(-1);
    for (std::size_t i = 0; i < o.graph.inputs.size(); ++i)
      if (o.graph.inputs[i].name == s.name) index = i;
    source_input_.push_back(index);
  }
  target_ = ev_.slot(o.statement.target);
}

template <class S>
std::vector<S>& ObjectiveRunner<S>::source(std::size_t source) {
  return ev_.input(source_input_.at(source));
}

template <class S>
void ObjectiveRunner<S>::restore(std::size_t source) {
  const std::vector<double>& b = o_->base.at(o_->sources[source].name);
  std::vector<S>& x = ev_.input(source_input_.at(source));
  for (std::size_t i = 0; i < b.size(); ++i) x[i] = S(b[i]);
}

template <class S>
S ObjectiveRunner<S>::run(bool record_branches, double* magnitude) {
  ev_.run(record_branches);
  if (target_ < 0 || !ev_.defined(target_)) throw Error(o_->statement.target + " is not defined at this point");
  const std::vector<S>& t = ev_.value(target_);
  const std::vector<double>& v = o_->cotangent;
  if (t.size() != v.size())
    throw Error(o_->statement.target + " changed size from " + std::to_string(v.size()) + " to " +
                std::to_string(t.size()));
  S sum = S(0);
  double mag = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const S term = S(v[i]) * t[i];
    sum += term;
    mag += abs_part(term);
  }
  if (magnitude) *magnitude = mag;
  return sum;
}

template <class S>
double ObjectiveRunner<S>::largest_result() const {
  return ev_.largest_result();
}

template <class S>
const Branches& ObjectiveRunner<S>::branches() const {
  return ev_.branches();
}

template class ObjectiveRunner<double>;
template class ObjectiveRunner<c128>;
template class ObjectiveRunner<Dual>;

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

Finding summarize(const Objective& o, std::size_t source, const char* oracle,
                  const std::vector<EntryCheck>& entries, const char* what, bool flat_index) {
  Finding f = make_finding(o, source, oracle, Outcome::agree, "");
  std::int64_t mismatches = 0, worst = -1;
  double worst_ratio = -1;
  const char* why = "";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const EntryCheck& e = entries[i];
    if (e.state == EntryCheck::State::inconclusive) {
      ++f.entries_inconclusive;
      if (!*why) why = e.why;
      continue;
    }
    ++f.entries_checked;
    if (e.state == EntryCheck::State::mismatch) ++mismatches;
    const double abs_err = std::abs(e.engine - e.reference);
    const double ratio = e.tolerance > 0 ? abs_err / e.tolerance : (abs_err > 0 ? INFINITY : 0);
    const bool nan = !(abs_err == abs_err);
    f.max_abs_error = std::max(f.max_abs_error, nan ? INFINITY : abs_err);
    f.max_rel_error = std::max(f.max_rel_error, nan ? INFINITY : relative_error(e.engine, e.reference));
    // The worst entry: the largest error relative to its own tolerance (a mismatch first).
    const bool worse = worst < 0 || (e.state == EntryCheck::State::mismatch &&
                                     entries[static_cast<std::size_t>(worst)].state != EntryCheck::State::mismatch) ||
                       ((e.state == EntryCheck::State::mismatch) ==
                            (entries[static_cast<std::size_t>(worst)].state == EntryCheck::State::mismatch) &&
                        (nan || ratio > worst_ratio));
    if (worse) {
      worst = static_cast<std::int64_t>(i);
      worst_ratio = nan ? INFINITY : ratio;
    }
  }
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
               ": engine " + fmt(w.engine) + ", " + oracle + " " + fmt(w.reference) + " ± " +
               fmt(w.error) + " (tolerance " + fmt(w.tolerance) + ")" + inconclusive_note;
  } else if (f.entries_checked == 0) {
    f.outcome = entries.empty() ? Outcome::not_applicable : Outcome::inconclusive;
    f.detail = entries.empty() ? name + " has no elements to check"
                               : "d" + o.statement.target + "/d" + name + ": all " + n_str + " " +
                                     what + "s inconclusive (" + why + ")";
  } else {
    f.detail = "d" + o.statement.target + "/d" + name + ": " + std::to_string(f.entries_checked) +
               " " + what + "s agree (max relative error " + fmt(f.max_rel_error) + ")" +
               inconclusive_note;
  }
  return f;
}

bool excuse_nan_leaked_by_where(const Objective& o, EntryCheck& c) {
  if (std::isfinite(c.engine) || !o.has_where) return false;
  c.state = EntryCheck::State::inconclusive;
  c.why = "the engine's value is not finite and the graph has a where: TF lets a NaN of "
          "the untaken branch leak into the gradient (documented)";
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

std::vector<EntryCheck> compare_propagated(const Objective& o, const EntryPlan& plan,
                                           const std::vector<PropagatedReference>& references,
                                           const RoundingProbe& rho, const char* not_evaluated,
                                           int threads) {
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
      continue;
    }
    c.error = rounding_bound(ctx, unit_roundoff(DType::f64), ref.terms);
    const double terms = std::max({engine.terms, std::abs(c.reference), ref.terms, norm[tasks[t].source]});
    const double observed =
        rho.observed(tasks[t].source, plan.per_element ? terms : engine.rms, engine.direction_norm);
    const Tolerance tol = tolerance(ctx, c.error, terms, observed);
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
        // The probe's reach scales with the point: the element, or the source's largest one.
        const std::vector<double>& x0 = o.base.at(o.statement.sources[task.source]);
        double scale = 1.0;
        if (plan.per_element)
          scale = std::max(std::abs(x0[static_cast<std::size_t>(task.index)]), 1.0);
        else
          for (double xi : x0) scale = std::max(scale, std::abs(xi));
        const bool kink = plan.per_element
                              ? near_kink(o, runner, task.source, task.index, nullptr, radius * scale)
                              : near_kink(o, runner, task.source, 0, &plan.directions[t], radius * scale);
        if (kink) {
          c.state = EntryCheck::State::inconclusive;
          c.why = "the point lies on a kink, where the derivative is a convention";
        } else {
          c.state = EntryCheck::State::mismatch;
        }
      }
    }
  }
  return checks;
}

namespace {

// FNV-1a: a name's hash, the same on every platform (std::hash is not).
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

void jitter_block(graph::Block& block, const std::map<std::string, TensorSpec>& specs, double unit,
                  std::uint64_t seed, std::vector<graph::Input>& inputs) {
  graph::rewrite(block, [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
    auto* o = std::get_if<graph::OpStmt>(&s.node);
    const auto it = o ? specs.find(o->result) : specs.end();
    if (it == specs.end() || !is_floating(it->second.dtype)) {
      out.push_back(std::move(s));
      return;
    }
    const std::string result = o->result, raw = result + "~raw", jit = "%~jit" + result;
    o->result = raw;
    out.push_back(std::move(s));
    graph::Input in;
    in.name = jit;
    in.dtype = it->second.dtype;
    in.shape = it->second.shape;
    in.init.kind = graph::Init::Kind::values;
    in.init.values.resize(static_cast<std::size_t>(in.shape.numel()));
    std::uint64_t state = mix_seed(seed ^ fnv1a(result));
    for (double& v : in.init.values) {
      state = mix_seed(state);
      v = 1 + unit * (2 * (static_cast<double>(state >> 11) * 0x1p-53) - 1);
    }
    inputs.push_back(std::move(in));
    out.push_back({graph::OpStmt{result, op_mul.name, {raw, jit}, {}}, {}});
  });
}

double RoundingProbe::observed(std::size_t source, double magnitude, double direction_norm) const {
  const double r = source < relative.size() ? relative[source] * magnitude : 0.0;
  const double a = source < per_unit.size() ? per_unit[source] * direction_norm : 0.0;
  const double c = source < cancelled.size() ? cancelled[source] * direction_norm : 0.0;
  return std::max({r, a, c});
}

RoundingProbe rounding_sensitivity(const Objective& o, const std::vector<const eut::Value*>& engine,
                                   std::uint64_t seed, int threads, int directions, int realizations) {
  const std::size_t n_sources = o.sources.size();
  RoundingProbe rho{std::vector<double>(n_sources, 0.0), std::vector<double>(n_sources, 0.0),
                    std::vector<double>(n_sources, 0.0)};
  double largest_cotangent = 0;
  for (double v : o.cotangent) largest_cotangent = std::max(largest_cotangent, std::abs(v));
  if (!o.not_applicable.empty() || directions <= 0 || realizations <= 0) return rho;
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
  std::vector<Objective> jittered(static_cast<std::size_t>(realizations), o);
  for (int r = 0; r < realizations; ++r) {
    Objective& j = jittered[static_cast<std::size_t>(r)];
    std::vector<graph::Input> extra;
    jitter_block(j.graph.body, specs, kappa, mix_seed(seed + static_cast<std::uint64_t>(r)), extra);
    for (graph::Input& in : extra) {
      j.base[in.name] = in.init.values;
      j.graph.inputs.push_back(std::move(in));
    }
  }
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
        const double d = jvp(runners[r + 1]);
        // A jitter that crossed a kink measures the kink, not rounding: not counted.
        if (!same_branches(runners[r + 1].branches(), runners[0].branches())) continue;
        delta = std::max(delta, std::abs(d - plain) * (unit / kappa));
      }
      double t2 = 0;
      if (t.source < engine.size() && engine[t.source] && engine[t.source]->data.size() == n)
        for (std::size_t i = 0; i < n; ++i) t2 += engine[t.source]->data[i] * u[i] * engine[t.source]->data[i] * u[i];
      const double denom = std::max(std::sqrt(t2), std::abs(plain) / std::sqrt(static_cast<double>(n)));
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

std::uint64_t mix_seed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

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
