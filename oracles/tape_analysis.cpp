#include "oracles/tape_analysis.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "engine/ops/op_table.hpp"
#include "graph/walk.hpp"

namespace tc::oracles {

namespace {

class TapeAnalysis {
 public:
  enum class Dep : std::uint8_t { none, piecewise, smooth };

  TapeAnalysis(const graph::Graph& g, const graph::Gradient& target_stmt,
               const Evaluation<double>& base, const eut::SemanticsProfile& profile)
      : target_(&target_stmt), tape_(target_stmt.tape), specs_(base.specs), tensors_(base.tensors),
        base_(base), profile_(profile) {
    for (const graph::TapeDecl& t : g.tapes)
      if (t.name == tape_) watch_accessed_ = t.watch_accessed_variables;
    for (const graph::Input& in : g.inputs) inputs_[in.name] = &in;
    for (const std::string& s : target_stmt.sources) {
      if (!inputs_.count(s)) intermediate_sources_.insert(s);
      else if (is_floating(inputs_.at(s)->dtype)) dep_[s] = Dep::smooth;
    }
    graph::walk(
        g.body,
        [&](const graph::Statement& s, const graph::Place&) {
          graph::for_each_use(s, [&](const std::string& n) { used_.insert(n); });
          return graph::Step::next;
        },
        graph::Enter::all);
  }

  void run(const graph::Block& block) { walk(block); }

  std::vector<std::string> frozen;
  std::vector<HeldUse> held_uses;
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
    if (it->second->trainable && profile_.variables == eut::VariableWatch::from_start) return true;
    return watched_vars_.count(n) || (it->second->trainable && watch_accessed_);
  }

  bool one_graph() const { return profile_.recording == eut::Recording::one_graph; }
  // Whether a record / stop_recording block or a watch of `tape` acts on the analysed tape:
  // its own, or with one graph any tape's.
  bool acts_here(const std::string& tape) const { return tape == tape_ || one_graph(); }
  bool recording() const { return one_graph() ? open_ > 0 && paused_ == 0 : recording_; }

  void walk(const graph::Block& block) {
    for (const graph::Statement& s : block) {
      if (stop_) return;
      std::visit([&](const auto& node) { exec(node); }, s.node);
    }
  }

  // An intermediate source moves from its statement on (the objective overrides it there),
  // whatever it depends on: a use the tape does not record must be held like any other.
  void moves_if_source(const std::string& result) {
    if (intermediate_sources_.count(result) && floating(result) &&
        std::find(frozen.begin(), frozen.end(), result) == frozen.end())
      dep_[result] = Dep::smooth;
  }

  void exec(const graph::OpStmt& s) {
    exec_op(s);
    moves_if_source(s.result);
  }

  void exec_op(const graph::OpStmt& s) {
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
    if (!s.operands.empty() && specs_.count(s.operands[0]) &&
        profile_.returns_operand(op, s.operands.size(), specs_.at(s.operands[0]).dtype, out_spec.dtype)) {
      // The operand itself under another name: it moves and is tracked as the operand is.
      if (tracked(s.operands[0])) tracked_.insert(s.result);
      if (dep(s.operands[0]) != Dep::none) dep_[s.result] = dep(s.operands[0]);
      return;
    }
    // stop_gradient's kind of op: its value moves with the held input, the tape holds it fixed.
    const bool holds_constant = op.holds_input_constant();
    bool recorded = false, any_dep = false, smooth_in = false, smooth_held = false;
    for (std::size_t i = 0; i < s.operands.size(); ++i) {
      const std::string& o = s.operands[i];
      const InputDef& in = op.input(static_cast<int>(i));
      const bool passes = profile_.passes(op, static_cast<int>(i)) && floating(o) && out_floating;
      if (passes && recording() && tracked(o)) recorded = true;
      const Dep d = dep(o);
      if (d != Dep::none) any_dep = true;
      if (d == Dep::smooth && passes) smooth_in = true;
      if (d == Dep::smooth && in.grad == InputGrad::stop_gradient) smooth_held = true;
    }
    if (!any_dep) {
      if (recorded) tracked_.insert(s.result);
      return;
    }
    // Edges fixed when the op runs (row 4): a moving operand no tape tracks yet is a constant
    // to this op, though a later watch makes it a source for the ops after it.
    if (recorded && profile_.edges == eut::EdgeBinding::at_creation)
      for (std::size_t i = 0; i < s.operands.size(); ++i) {
        const std::string& o = s.operands[i];
        if (dep(o) != Dep::smooth || tracked(o) || !profile_.passes(op, static_cast<int>(i)) || !floating(o)) continue;
        if (!inputs_.count(o) && control_depth_ > 0) {
          if (problem.empty() && used_.count(s.result))
            problem = s.result + " = " + s.op + " reads " + o + " before any tape tracks it (its edges are fixed "
                      "when it runs), inside cond/while_loop where that use cannot be held fixed";
          continue;
        }
        held_uses.push_back({s.result, i, o});
      }
    if (smooth_in && !op.complex_step_ok && complex_ineligible.empty()) complex_ineligible = s.op;
    const bool smooth = out_floating && (smooth_in || smooth_held);
    if (smooth && (!recorded || holds_constant)) {
      if (control_depth_ > 0) {
        // Only a value something reads must be held: one nothing reads (dead code the
        // generator leaves in a loop body) cannot move the target.
        if (problem.empty() && used_.count(s.result))
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
    ++open_;
    walk(r.body);
    --open_;
    recording_ = saved;
  }

  void exec(const graph::StopRecording& r) {
    const bool saved = recording_;
    if (r.tape == tape_) recording_ = false;
    ++paused_;
    walk(r.body);
    --paused_;
    recording_ = saved;
  }

  void exec(const graph::Watch& w) {
    if (!acts_here(w.tape)) return;
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
  // which the oracles treat as a kink, so the other branch never matters. The taken branch
  // then runs once, as straight-line code does, at the point and at every point the oracles
  // use: a value in it the tape holds constant is held like one outside (its statement is
  // inside the branch, its value is the point's).
  void exec(const graph::Cond& c) {
    std::optional<bool> then_taken;
    if (control_depth_ == 0)
      if (auto it = base_.then_taken.find(&c); it != base_.then_taken.end()) then_taken = it->second;
    const int depth = then_taken ? 0 : 1;
    control_depth_ += depth;
    if (then_taken.value_or(true)) walk(c.then_body);
    if (!then_taken.value_or(false)) walk(c.else_body);
    control_depth_ -= depth;
    for (std::size_t k = 0; k < c.results.size(); ++k) {
      std::vector<std::string> from;
      if (k < c.then_yield.size() && then_taken.value_or(true)) from.push_back(c.then_yield[k]);
      if (k < c.else_yield.size() && !then_taken.value_or(false)) from.push_back(c.else_yield[k]);
      join(c.results[k], from);
      if (dep(c.pred) != Dep::none && dep(c.results[k]) == Dep::none)
        dep_[c.results[k]] = Dep::piecewise;  // the branch taken moves with the sources
      if (dep(c.results[k]) == Dep::smooth && !tracked(c.results[k]) && problem.empty() && used_.count(c.results[k]))
        problem = c.results[k] + " (a cond result) moves with the sources but the tape does not "
                  "track it; it cannot be held fixed";
      moves_if_source(c.results[k]);
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
        for (const std::string& r : w.results) moves_if_source(r);
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
    for (const std::string& r : w.results) moves_if_source(r);
  }

  void exec(const graph::Gradient& g) {
    if (&g == target_) stop_ = true;
  }

  // An optimizer step runs outside every tape and defines no value: nothing is recorded.
  void exec(const graph::ApplyGradients&) {}

  const graph::Gradient* target_;
  std::string tape_;
  std::map<std::string, TensorSpec> specs_;
  const std::map<std::string, std::uint64_t>& tensors_;  // at the base point (evaluate.hpp)
  std::set<std::uint64_t> watched_tensors_;
  const Evaluation<double>& base_;
  std::map<std::string, const graph::Input*> inputs_;
  std::set<std::string> intermediate_sources_;  // sources an op, cond or while_loop defines
  std::set<std::string> used_;                  // names some statement of the graph reads
  std::map<std::string, Dep> dep_;
  std::set<std::string> tracked_;
  std::set<std::string> watched_vars_;
  bool watch_accessed_ = true;
  const eut::SemanticsProfile& profile_;
  bool recording_ = false;  // per tape: the analysed tape records
  int open_ = 0;            // one graph: record blocks of any tape open here
  int paused_ = 0;          // one graph: stop_recording blocks of any tape open here
  int control_depth_ = 0;
  bool stop_ = false;
};

}  // namespace

TapeConstants tape_constants(const graph::Graph& prepared, const graph::Gradient& target,
                             const Evaluation<double>& base, const eut::SemanticsProfile& profile) {
  TapeAnalysis analysis(prepared, target, base, profile);
  analysis.run(prepared.body);
  return {analysis.frozen, analysis.held_uses, analysis.problem, analysis.complex_ineligible};
}

}  // namespace tc::oracles
