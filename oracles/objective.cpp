#include "oracles/objective.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/core/format.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/inputs.hpp"
#include "graph/ir_util.hpp"
#include "graph/walk.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/intermediate_source.hpp"
#include "oracles/rounding_probe.hpp"
#include "oracles/tape_analysis.hpp"

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

// Removes the op statements defining `names`, in any block.
void without(graph::Block& block, const std::set<std::string>& names) {
  graph::rewrite(
      block,
      [&](graph::Statement&& s, graph::Block& out, const graph::Place&) {
        if (const auto* o = std::get_if<graph::OpStmt>(&s.node); o && names.count(o->result)) return;
        out.push_back(std::move(s));
      },
      graph::Enter::all);  // a value held in a cond's taken branch too (tape_analysis.hpp)
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

const graph::Gradient* first_gradient(const graph::Block& block) {
  const std::vector<std::pair<const graph::Gradient*, bool>> all = collect_gradients(block);
  return all.empty() ? nullptr : all.front().first;
}

// Which tensor each value of `ev` is under `profile`: the evaluator's numbering (TF's: an op
// makes a new tensor, a cond or while_loop may hand back the one it was given), with the
// results of ops the profile returns their operand from (torch's `x.to(dtype)` of x's own
// dtype is x) bound to their operand's tensor, and so every later name bound to them.
std::map<std::string, std::uint64_t> tensors_under(const eut::SemanticsProfile& profile, const graph::Block& body,
                                                   const Evaluation<double>& ev) {
  std::map<std::uint64_t, std::uint64_t> same;  // a result's tensor -> its operand's
  auto root = [&](std::uint64_t t) {
    for (auto it = same.find(t); it != same.end(); it = same.find(t)) t = it->second;
    return t;
  };
  graph::walk(body, [&](const graph::Statement& s, const graph::Place&) {
    const auto* o = std::get_if<graph::OpStmt>(&s.node);
    const OpDef* op = o ? find_op(o->op) : nullptr;
    if (!op || o->operands.empty()) return;
    const auto result = ev.tensors.find(o->result), operand = ev.tensors.find(o->operands[0]);
    if (result == ev.tensors.end() || operand == ev.tensors.end() ||
        !profile.returns_operand(*op, o->operands.size(), ev.specs.at(o->operands[0]).dtype,
                                 ev.specs.at(o->result).dtype))
      return;
    if (root(operand->second) != result->second) same[result->second] = root(operand->second);
  });
  std::map<std::string, std::uint64_t> tensors = ev.tensors;
  for (auto& [name, t] : tensors) t = root(t);
  return tensors;
}

double abs_part(double x) { return std::abs(x); }
double abs_part(const c128& x) { return std::abs(x.imag()); }
double abs_part(const Dual& x) { return std::abs(x.d); }
double abs_part(const TermsDual& x) { return x.d; }

}  // namespace

std::string optimizer_step_in(const graph::Block& before) {
  std::string why;
  graph::walk(before, [&](const graph::Statement& s, const graph::Place&) {
    if (std::holds_alternative<graph::ApplyGradients>(s.node))
      why = "an optimizer step (apply_gradients) before this gradient() updates variables with an earlier "
            "gradient, which the forward evaluation does not compute";
    return why.empty() ? graph::Step::next : graph::Step::stop;
  });
  return why;
}

double largest_floating_value(const std::map<std::string, std::vector<double>>& values,
                              const std::map<std::string, TensorSpec>& specs) {
  double largest = 0;
  for (const auto& [name, v] : values)
    if (auto spec = specs.find(name); spec != specs.end() && is_floating(spec->second.dtype))
      for (double x : v)
        if (std::isfinite(x)) largest = std::max(largest, std::abs(x));
  return largest;
}

namespace {

// Whether o's base point puts an op on its kink (the side 0 its kernel records there) whose
// derivative the profile says is NaN.
bool on_a_nan_kink(const Objective& o, const eut::SemanticsProfile& profile) {
  bool any = false;
  for (const auto& [row, rule] : profile.ops) any = any || rule.nan_at_kink;
  if (!any) return false;
  try {
    ObjectiveRunner<double> runner(o);
    runner.run(true);
    const std::vector<std::int32_t>& sides = runner.branches().sides;
    const std::vector<const OpDef*>& ops = runner.branch_ops();
    for (std::size_t i = 0; i < sides.size() && i < ops.size(); ++i)
      if (ops[i] && sides[i] == 0 && profile.op(*ops[i]).nan_at_kink) return true;
  } catch (const std::exception&) {
  }
  return false;
}

}  // namespace

int count_gradient_statements(const graph::Graph& g) {
  return static_cast<int>(collect_gradients(g.body).size());
}

Objective make_objective(const graph::Graph& g, const eut::InputValues& inputs, int gradient,
                         const eut::SemanticsProfile& profile) {
  Objective o;
  o.gradient = gradient;
  const std::vector<std::pair<const graph::Gradient*, bool>> all = collect_gradients(g.body);
  if (gradient < 0 || gradient >= static_cast<int>(all.size())) {
    o.not_applicable = "the graph has no Gradient statement number " + std::to_string(gradient);
    return o;
  }
  o.statement = *all[static_cast<std::size_t>(gradient)].first;
  o.target_value = o.statement.target;
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
  if (const std::string step = optimizer_step_in(prepared.body); !step.empty()) {
    o.not_applicable = step;
    return o;
  }
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

  // Sources: graph inputs of a floating dtype, and intermediate values an op statement
  // defines outside cond/while_loop: those are overridden from that statement on (below).
  // A cond or while_loop result that is a tensor passed in is that tensor's source: it moves
  // where the tensor was made (an input, or a value defined in line), and the tape analysis
  // and the differences move that name (`ObjectiveSource::name`).
  auto in_line = [&](const std::string& n) {
    return defined_in_line(prepared.body, n, &ev.then_taken, &ev.trips) && ev.values.count(n);
  };
  const std::map<std::string, std::uint64_t> tensors = tensors_under(profile, prepared.body, ev);
  std::set<std::string> overridden;
  auto input_named = [&](const std::string& n) {
    return std::find_if(g.inputs.begin(), g.inputs.end(), [&](const graph::Input& in) { return in.name == n; });
  };
  for (std::size_t i = 0; i < o.sources.size(); ++i) {
    ObjectiveSource& s = o.sources[i];
    auto it = input_named(s.name);
    if (it == g.inputs.end())
      if (const std::string origin = tensor_origin(s.name, g.inputs, prepared.body, tensors, in_line);
          !origin.empty() && origin != s.name) {
        s.name = origin;
        it = input_named(origin);
        graph::walk(prepared.body, [&](graph::Statement& st, const auto&) {
          if (auto* gr = std::get_if<graph::Gradient>(&st.node); gr && gr == target_stmt) gr->sources[i] = origin;
        });
      }
    if (it == g.inputs.end()) {
      if (auto jt = ev.specs.find(s.name); jt != ev.specs.end()) s.spec = jt->second;
      if (!in_line(s.name))
        s.why_not = not_overridable(s.name);
      else if (!is_floating(s.spec.dtype))
        s.why_not = s.name + " has dtype " + std::string(dtype_name(s.spec.dtype)) + ": no gradient (R3)";
      else
        overridden.insert(s.name);
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
    const ConnectivityPrediction p = predict_connectivity(g, inputs, profile);
    if (static_cast<int>(p.gradients.size()) > gradient) {
      const GradientPrediction& gp = p.gradients[static_cast<std::size_t>(gradient)];
      for (std::size_t i = 0; i < o.sources.size() && i < gp.sources.size(); ++i)
        if (gp.sources[i].zero_filled && o.sources[i].why_not.empty())
          o.sources[i].why_not = gp.sources[i].sentence(o.statement.target) +
                                 " — R7's zeros, whatever the derivative; the connectivity oracle judges them";
    }
  }

  // Values the tape treats as constants.
  TapeConstants constants;
  try {
    constants = tape_constants(prepared, *target_stmt, ev, profile);
  } catch (const std::exception& e) {
    o.not_applicable = std::string("cannot analyse the graph: ") + e.what();
    return o;
  }
  if (!constants.problem.empty()) {
    o.not_applicable = constants.problem;
    return o;
  }
  o.frozen = constants.frozen;
  o.complex_ineligible = constants.complex_ineligible;
  // A source the tape holds constant (its statement not recorded) is frozen at its base value;
  // the connectivity oracle judges a None. Every source bound to it says so — a name listed
  // twice, or a result passing its tensor on (seed 8 graph 30724: the second of two was left
  // frozen, not overridden, and the differences moved every use of it).
  std::set<std::string> held_sources;
  for (const std::string& v : overridden)
    if (std::find(o.frozen.begin(), o.frozen.end(), v) != o.frozen.end()) held_sources.insert(v);
  for (ObjectiveSource& s : o.sources)
    if (held_sources.count(s.name)) s.why_not = s.name + " is an intermediate value the tape treats as a constant";
  for (const std::string& v : held_sources) overridden.erase(v);
  if (!o.frozen.empty() || !constants.held_uses.empty())
    o.hoisted_from = std::make_shared<const graph::Graph>(prepared);
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
      o.hoisted.emplace_back(n, n);
      prepared.inputs.push_back(std::move(in));
    }
  }

  // Uses the tape holds for one op only (edges fixed when the op runs): that operand reads a
  // constant copy of the value, at its base value, and the value moves for every other op.
  for (const HeldUse& h : constants.held_uses) {
    const std::string held = "%~held." + h.value + ".in." + h.result;
    graph::walk(prepared.body, [&](graph::Statement& st, const auto&) {
      if (auto* op = std::get_if<graph::OpStmt>(&st.node); op && op->result == h.result && h.operand < op->operands.size())
        op->operands[h.operand] = held;
    });
    graph::Input in;
    in.name = held;
    in.dtype = ev.specs.at(h.value).dtype;
    in.shape = ev.specs.at(h.value).shape;
    in.kind = graph::InputKind::constant;
    in.init.kind = graph::Init::Kind::values;
    in.init.values = base.count(h.value) ? base.at(h.value) : ev.values.at(h.value);
    base[held] = in.init.values;
    o.hoisted.emplace_back(held, h.value);
    prepared.inputs.push_back(std::move(in));
  }

  // Intermediate sources: d f / d v holds v's own inputs fixed (TF's gradient with respect to
  // an intermediate tensor counts only the paths from v to the target), and f of every other
  // source is as it was (intermediate_source.hpp).
  for (const std::string& v : overridden) {
    override_from_definition(prepared.body, v);
    graph::Input in = override_input(v, ev.specs.at(v));
    if (v == o.statement.target) o.target_value = moved_name(v);
    base[v] = in.init.values;
    prepared.inputs.push_back(std::move(in));
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
  if (profile.rounding == eut::Rounding::own_kernels)
    o.tolerance.cancellation_floor = rounding_bound(o.tolerance, engine_unit, largest_floating_value(ev.values, ev.specs));
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
  o.nan_at_kink = on_a_nan_kink(o, profile);
  for (const auto& [name, spec] : ev.specs)
    if (is_floating(spec.dtype))
      if (const auto v = ev.values.find(name); v != ev.values.end())
        for (double x : v->second)
          if (spec.dtype == DType::f32 ? graph::subnormal_f32(x) : std::fpclassify(x) == FP_SUBNORMAL) o.subnormal = true;
  if (!std::isfinite(o.value))
    o.not_applicable = "f = Σ v·" + o.statement.target + " is not finite at the base point (" +
                       format_number(o.value) + ")";
  return o;
}

template <class S>
ObjectiveValue<S> evaluate_objective(const Objective& o,
                                     const std::map<std::string, std::vector<S>>& inputs,
                                     bool record_branches) {
  Evaluation<S> ev = evaluate<S>(o.graph, inputs, record_branches);
  auto it = ev.values.find(o.target_value);
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
template ObjectiveValue<TermsDual> evaluate_objective(const Objective&,
                                                      const std::map<std::string, std::vector<TermsDual>>&, bool);

template <class S>
std::map<std::string, std::vector<S>> lift(const Objective& o) {
  std::map<std::string, std::vector<S>> out;
  for (const auto& [name, v] : o.base) out[name].assign(v.begin(), v.end());
  return out;
}

template std::map<std::string, std::vector<double>> lift(const Objective&);
template std::map<std::string, std::vector<c128>> lift(const Objective&);
template std::map<std::string, std::vector<Dual>> lift(const Objective&);
template std::map<std::string, std::vector<TermsDual>> lift(const Objective&);

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
  target_ = ev_.slot(o.target_value);
}

template <class S>
std::vector<S>& ObjectiveRunner<S>::source(std::size_t source) {
  return ev_.input(source_input_.at(source));
}

template <class S>
std::vector<S>& ObjectiveRunner<S>::input(std::size_t i) {
  return ev_.input(i);
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
double ObjectiveRunner<S>::largest_part(bool with_inputs) const {
  return ev_.largest_part(with_inputs);
}

template <class S>
const Branches& ObjectiveRunner<S>::branches() const {
  return ev_.branches();
}

template <class S>
const std::vector<const OpDef*>& ObjectiveRunner<S>::branch_ops() const {
  return ev_.branch_ops();
}

template <class S>
const std::vector<const std::string*>& ObjectiveRunner<S>::branch_values() const {
  return ev_.branch_values();
}

template class ObjectiveRunner<double>;
template class ObjectiveRunner<c128>;
template class ObjectiveRunner<Dual>;
template class ObjectiveRunner<TermsDual>;

template <class S>
std::unique_ptr<ObjectiveRunner<S>> RunnerPool<S>::take() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<ObjectiveRunner<S>> r = std::move(idle_.back());
      idle_.pop_back();
      return r;
    }
  }
  return std::make_unique<ObjectiveRunner<S>>(o_);  // compiled outside the lock
}

template <class S>
void RunnerPool<S>::give(std::unique_ptr<ObjectiveRunner<S>> runner) {
  const std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(runner));
}

template class RunnerPool<double>;
template class RunnerPool<c128>;
template class RunnerPool<Dual>;

struct PreparedObjectives::Statement {
  explicit Statement(Objective o) : objective(std::move(o)), f64(objective), complex(objective), dual(objective) {}
  Objective objective;
  RunnerPool<double> f64;
  RunnerPool<c128> complex;
  RunnerPool<Dual> dual;
  // The rounding probes computed so far, by seed and the engine's values they were scaled by.
  struct Probe {
    std::uint64_t seed = 0;
    std::vector<std::optional<eut::Value>> engine;
    std::unique_ptr<const RoundingProbe> probe;
  };
  std::mutex probes_mutex;
  std::vector<Probe> probes;

  template <class S>
  RunnerPool<S>& pool() {
    if constexpr (std::is_same_v<S, double>)
      return f64;
    else if constexpr (std::is_same_v<S, c128>)
      return complex;
    else
      return dual;
  }
};

PreparedObjectives::PreparedObjectives(const graph::Graph& g, const eut::InputValues& inputs,
                                       const eut::SemanticsProfile& profile) {
  const int n = count_gradient_statements(g);
  for (int k = 0; k < n; ++k) statements_.push_back(std::make_unique<Statement>(make_objective(g, inputs, k, profile)));
}
PreparedObjectives::~PreparedObjectives() = default;
PreparedObjectives::PreparedObjectives(PreparedObjectives&&) noexcept = default;
PreparedObjectives& PreparedObjectives::operator=(PreparedObjectives&&) noexcept = default;

const Objective& PreparedObjectives::objective(int k) const {
  return statements_.at(static_cast<std::size_t>(k))->objective;
}

const RoundingProbe& PreparedObjectives::rounding_probe(int k, const std::vector<const eut::Value*>& engine,
                                                        std::uint64_t seed, int threads) const {
  Statement& st = *statements_.at(static_cast<std::size_t>(k));
  std::vector<std::optional<eut::Value>> values;
  for (const eut::Value* v : engine) values.push_back(v ? std::optional<eut::Value>(*v) : std::nullopt);
  // Bit for bit: a NaN entry is the same entry.
  auto same = [](const std::optional<eut::Value>& a, const std::optional<eut::Value>& b) {
    if (!a || !b) return !a && !b;
    return a->dtype == b->dtype && a->shape == b->shape && a->data.size() == b->data.size() &&
           std::memcmp(a->data.data(), b->data.data(), a->data.size() * sizeof(double)) == 0;
  };
  const std::lock_guard<std::mutex> lock(st.probes_mutex);
  for (const Statement::Probe& p : st.probes)
    if (p.seed == seed && std::equal(p.engine.begin(), p.engine.end(), values.begin(), values.end(), same))
      return *p.probe;
  auto probe = std::make_unique<const RoundingProbe>(rounding_sensitivity(st.objective, engine, seed, threads));
  st.probes.push_back({seed, std::move(values), std::move(probe)});
  return *st.probes.back().probe;
}

template <class S>
RunnerLease<S> PreparedObjectives::runner(int k) const {
  return RunnerLease<S>(statements_.at(static_cast<std::size_t>(k))->template pool<S>());
}

template RunnerLease<double> PreparedObjectives::runner(int) const;
template RunnerLease<c128> PreparedObjectives::runner(int) const;
template RunnerLease<Dual> PreparedObjectives::runner(int) const;

ToleranceContext whole_graph_tolerance(const graph::Graph& g, const std::map<std::string, TensorSpec>& specs) {
  ToleranceContext ctx;
  for (const auto& [name, spec] : specs)
    if (is_floating(spec.dtype)) ctx.engine_unit = std::max(ctx.engine_unit, unit_roundoff(spec.dtype));
  std::int64_t ops = 0;
  graph::walk(g.body, [&](const graph::Statement& s, const graph::Place& place) {
    const auto* op = std::get_if<graph::OpStmt>(&s.node);
    if (!op) return;
    ops += place.assumed_trips;
    if (const OpDef* d = find_op(op->op)) ctx.op_factor = std::max(ctx.op_factor, d->tolerance_factor);
  });
  ctx.depth = std::max<std::int64_t>(ops, 1);
  return ctx;
}

}  // namespace tc::oracles
