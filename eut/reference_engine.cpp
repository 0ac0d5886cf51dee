// The reference engine behind the EngineUnderTest interface: runs a graph::Graph statement by
// statement on engine/ (tensors, tapes, variables, cond/while_loop), and gives forward mode by
// the double-backward trick rather than dual numbers, so that its JVP is independent of the
// forward-mode oracle (which evaluates the op kernels on duals).
#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "engine/control_flow.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/warnings.hpp"
#include "engine/optimizer.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/rules.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/tape.hpp"
#include "engine/tensor.hpp"
#include "engine/variable.hpp"
#include "eut/engine_under_test.hpp"
#include "eut/error_kind.hpp"
#include "eut/inputs.hpp"
#include "graph/walk.hpp"

namespace tc::eut {

namespace {

Value to_value(const Tensor& t) { return Value{t.dtype(), t.shape(), t.values()}; }

Tensor to_tensor(const Value& v) { return Tensor::constant(v.data, v.shape, v.dtype); }

// What an IR name is bound to: a tensor, a variable (an input of kind variable), or None (a
// gradient result that must not be used).
struct Slot {
  Tensor tensor;                     // for a variable: its value, unread
  std::optional<Variable> variable;
  bool none = false;
  std::string why;                   // for None: the engine's explanation
  std::optional<Explanation> explanation;  // for None: the same, for an optimizer step (R14)
};

// Names in scope. A cond's untaken branch is traced in a child scope that is thrown away, so
// its values never become part of the run. Hashed, not ordered: every op looks up its operands
// and defines its result here, and an ordered map's string comparisons were a tenth of a run
// (BENCH_GRAPH); nothing reads the names in order.
struct Scope {
  std::unordered_map<std::string, Slot> own;
  const Scope* parent = nullptr;
  const Slot* find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent) {
      auto it = s->own.find(name);
      if (it != s->own.end()) return &it->second;
    }
    return nullptr;
  }
};

enum class Mode {
  run,      // tapes as the graph says
  forward,  // for jvp(): tape statements transparent, stop at the first Gradient statement
};

// Thrown (not a tc::Error, so tc::cond does not swallow it) at the first Gradient statement
// in Mode::forward.
struct StopAtGradient {};

class Runner {
 public:
  explicit Runner(Mode mode) : mode_(mode) {}

  // Binds the inputs (materialised, overrides applied) and makes the tapes. The values go
  // straight into tensors (which round them to the dtype), not through materialize_inputs'
  // map: building that map was a tenth of a run of ~16 ops.
  void setup(const graph::Graph& g, const InputValues& overrides) {
    scope_->own.reserve(g.inputs.size());
    try {
      bind_inputs(g, overrides);
    } catch (...) {  // an input that cannot be bound (a bad override) leaves none bound
      scope_->own.clear();
      inputs_.clear();
      throw;
    }
    for (const graph::TapeDecl& d : g.tapes)
      tapes_[d.name] = std::make_unique<GradientTape>(d.persistent, d.watch_accessed_variables);
  }

  void run_block(const graph::Block& block) {
    for (const graph::Statement& s : block) exec(s);
  }

  // Where the error being raised came from: the innermost statement with a known location.
  const std::optional<graph::Location>& error_at() const { return error_at_; }
  const Scope& scope() const { return *scope_; }
  const std::vector<std::string>& inputs() const { return inputs_; }
  std::vector<GradientResult>& gradients() { return gradients_; }
  std::vector<StepResult>& steps() { return steps_; }

 private:
  void bind_inputs(const graph::Graph& g, const InputValues& overrides) {
    for_each_input_value(g, overrides, [&](const graph::Input& in, const Value& value) {
      error_at_ = in.loc;
      Slot slot;
      const Tensor t = to_tensor(value);
      if (in.kind == graph::InputKind::variable) {
        slot.variable.emplace(t, in.trainable, bare_name(in.name));
        slot.tensor = slot.variable->value();
      } else {
        slot.tensor = t;
        slot.tensor.named(bare_name(in.name));
      }
      scope_->own[in.name] = std::move(slot);
      inputs_.push_back(in.name);
      error_at_.reset();  // a later input's bad override is no statement's error
    });
  }

  void exec(const graph::Statement& s) {
    try {
      std::visit([&](const auto& node) { exec_node(node); }, s.node);
    } catch (const std::exception&) {
      if (!error_at_ || (error_at_->line == 0 && s.loc.line != 0)) error_at_ = s.loc;
      throw;
    }
  }

  // --- names ------------------------------------------------------------------------------
  const Slot& slot(const std::string& name) const {
    if (const Slot* s = scope_->find(name)) return *s;
    throw Error(name + " is not defined");
  }

  // The tensor a use of `name` sees; a variable is read (auto-watched while recording, R2).
  Tensor use(const std::string& name) const {
    const Slot& s = slot(name);
    if (s.none) throw NoneUsedError(name + " is None" + (s.why.empty() ? "" : " (" + s.why + ")"));
    if (s.variable) return s.variable->read();
    return s.tensor;
  }

  void define(const std::string& name, const Tensor& t) {
    // A value may already carry a name: an input yielded by a branch, a loop variable that
    // is its initial value, the seed of d x / d x. It keeps its first name.
    if (t.name().empty()) t.named(bare_name(name));
    Slot s;
    s.tensor = t;
    scope_->own.insert_or_assign(name, std::move(s));
  }

  void define_none(const std::string& name, std::string why, std::optional<Explanation> explanation) {
    Slot s;
    s.none = true;
    s.why = std::move(why);
    s.explanation = std::move(explanation);
    scope_->own.insert_or_assign(name, std::move(s));
  }

  GradientTape& tape(const std::string& name) {
    auto it = tapes_.find(name);
    if (it == tapes_.end())
      for (auto t = tapes_.begin(); t != tapes_.end() && it == tapes_.end(); ++t)
        if (bare_name(t->first) == bare_name(name)) it = t;
    if (it == tapes_.end()) throw TapeError("no tape named '" + bare_name(name) + "'");
    return *it->second;
  }

  // Tape statements only take effect when the run is real: not for jvp(), and not while
  // tracing an untaken branch (which in TF never runs: it must not watch or start tapes).
  bool tapes_live() const { return mode_ == Mode::run && !shadow_; }

  // --- statements ---------------------------------------------------------------------------
  void exec_node(const graph::OpStmt& s) {
    const OpDef& op = get_op(s.op);
    std::vector<Tensor> operands;
    operands.reserve(s.operands.size());
    for (const std::string& o : s.operands) operands.push_back(use(o));
    define(s.result, apply_op(op, operands.data(), static_cast<int>(operands.size()), s.attrs));
  }

  void exec_node(const graph::Record& r) {
    if (!tapes_live()) return run_block(r.body);
    GradientTape& t = tape(r.tape);
    auto recording = t.recording();
    run_block(r.body);
  }

  void exec_node(const graph::StopRecording& r) {
    if (!tapes_live()) return run_block(r.body);
    auto paused = tape(r.tape).stop_recording();
    run_block(r.body);
  }

  void exec_node(const graph::Watch& w) {
    if (!tapes_live()) return;
    GradientTape& t = tape(w.tape);
    for (const std::string& v : w.values) {
      const Slot& s = slot(v);
      if (s.variable)
        t.watch(*s.variable);
      else
        t.watch(use(v));
    }
  }

  // tc::cond takes one result; a cond with several runs each branch once (the first
  // tc::cond) and hands the other results to further tc::cond calls that pick the stored
  // yields, so that every result knows its untaken branch (for explanations, R13).
  void exec_node(const graph::Cond& c) {
    graph::expect_cond_yields(c.results.size(), c.then_yield.size(), c.else_yield.size());
    const Tensor pred = use(c.pred);
    std::vector<Tensor> taken, untaken;
    bool first_call = true;
    auto branch = [&](const graph::Block& body, const std::vector<std::string>& yields) {
      const bool is_taken = first_call;  // tc::cond runs the taken branch first
      first_call = false;
      if (is_taken) {
        run_block(body);
        for (const std::string& y : yields) taken.push_back(use(y));
        return taken.empty() ? Tensor::scalar(0) : taken[0];
      }
      ShadowScope shadow(*this);
      run_block(body);
      for (const std::string& y : yields) untaken.push_back(use(y));
      shadow.succeeded();
      return untaken.empty() ? Tensor::scalar(0) : untaken[0];
    };
    const Tensor first = tc::cond(
        pred, [&] { return branch(c.then_body, c.then_yield); },
        [&] { return branch(c.else_body, c.else_yield); });
    if (c.results.empty()) return;
    define(c.results[0], first);
    const bool then_taken = pred.item() != 0.0;
    for (std::size_t k = 1; k < c.results.size(); ++k) {
      auto pick = [&](bool then_side) {
        if (then_side == then_taken) return taken[k];
        if (k < untaken.size()) return untaken[k];
        throw Error("the untaken branch could not be traced");  // discarded by tc::cond
      };
      define(c.results[k], tc::cond(pred, [&] { return pick(true); }, [&] { return pick(false); }));
    }
  }

  void exec_node(const graph::While& w) {
    graph::expect_loop_arity(w.init.size(), w.params.size(), w.body_yield.size());
    std::vector<Tensor> init;
    for (const std::string& i : w.init) init.push_back(use(i));
    auto bind = [&](const std::vector<Tensor>& vars) {
      for (std::size_t k = 0; k < vars.size(); ++k) define(w.params[k], vars[k]);
    };
    const std::vector<Tensor> out = tc::while_loop(
        [&](const std::vector<Tensor>& vars) {
          bind(vars);
          run_block(w.cond_body);
          return use(w.cond_yield);
        },
        [&](const std::vector<Tensor>& vars) {
          bind(vars);
          run_block(w.body);
          std::vector<Tensor> next;
          for (const std::string& y : w.body_yield) next.push_back(use(y));
          return next;
        },
        std::move(init), graph::loop_cap(w));
    for (std::size_t k = 0; k < w.results.size() && k < out.size(); ++k) define(w.results[k], out[k]);
  }

  void exec_node(const graph::Gradient& g) {
    if (shadow_) throw Error("a gradient() in an untaken branch is not traced");
    if (mode_ == Mode::forward) throw StopAtGradient{};
    if (g.results.size() != g.sources.size())
      throw Error("gradient: " + std::to_string(g.results.size()) + " results for " +
                  std::to_string(g.sources.size()) + " sources");
    GradientTape& t = tape(g.tape);
    const Tensor target = use(g.target);
    std::vector<Source> sources;
    for (const std::string& name : g.sources) {
      const Slot& s = slot(name);
      if (s.variable)
        sources.emplace_back(*s.variable);
      else
        sources.emplace_back(use(name));
    }
    GradientOptions options;
    if (g.output_gradients) options.output_gradients = use(*g.output_gradients);
    options.unconnected =
        g.unconnected == graph::Unconnected::zero ? Unconnected::zero : Unconnected::none;
    const Gradients r = t.gradient(target, sources, options);
    GradientResult out;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (r[i]) {
        define(g.results[i], *r[i]);
        out.values.emplace_back(to_value(*r[i]));
        out.why_none.emplace_back();
      } else {
        std::string why = r.why[i] ? r.why[i]->sentence() : std::string();
        define_none(g.results[i], why, r.why[i]);
        out.values.emplace_back(std::nullopt);
        out.why_none.push_back(std::move(why));
      }
    }
    gradients_.push_back(std::move(out));
  }

  // An optimizer step: the engine's SGD (engine/optimizer.hpp), which raises for all-None
  // gradients and warns for some-None. A variable slot keeps its value from before the step
  // (RunResult::values); later uses read the variable, so they see the update.
  void exec_node(const graph::ApplyGradients& a) {
    if (shadow_) throw Error("apply_gradients in an untaken branch is not traced");
    if (mode_ == Mode::forward) throw StopAtGradient{};
    if (a.gradients.size() != a.variables.size())
      throw Error("apply_gradients: " + std::to_string(a.gradients.size()) + " gradients for " +
                  std::to_string(a.variables.size()) + " variables");
    Gradients grads;
    std::vector<Variable> vars;
    for (std::size_t k = 0; k < a.gradients.size(); ++k) {
      const Slot& g = slot(a.gradients[k]);
      grads.values.push_back(g.none ? std::nullopt : std::optional<Tensor>(use(a.gradients[k])));
      grads.why.push_back(g.explanation);
      const Slot& v = slot(a.variables[k]);
      if (!v.variable) throw Error(a.variables[k] + " is not a variable");
      vars.push_back(*v.variable);
    }
    take_warnings_into(pending_warnings_);
    const std::size_t warned_before = pending_warnings_.size();
    SGD(a.learning_rate).apply_gradients(grads, vars);
    StepResult step;
    for (std::size_t k = 0; k < vars.size(); ++k)
      step.variables.push_back(grads[k] ? std::optional<Value>(to_value(vars[k].value())) : std::nullopt);
    take_warnings_into(pending_warnings_);
    if (pending_warnings_.size() > warned_before) step.warning = pending_warnings_.back();
    steps_.push_back(std::move(step));
  }

 public:
  // Moves this thread's collected warnings (engine/core/warnings.hpp) to the end of `out`.
  static void take_warnings_into(std::vector<std::string>& out) {
    for (std::string& w : take_warnings()) out.push_back(std::move(w));
  }
  std::vector<std::string>& warnings() {
    take_warnings_into(pending_warnings_);
    return pending_warnings_;
  }

 private:
  // Traces an untaken branch: a throwaway child scope, tape statements inert; an error it
  // raises is swallowed by tc::cond, so it must not leave an error location behind.
  class ShadowScope {
   public:
    explicit ShadowScope(Runner& r)
        : r_(r), saved_scope_(r.scope_), saved_shadow_(r.shadow_), saved_error_at_(r.error_at_) {
      child_.parent = r.scope_;
      r.scope_ = &child_;
      r.shadow_ = true;
    }
    void succeeded() { ok_ = true; }
    ~ShadowScope() {
      r_.scope_ = saved_scope_;
      r_.shadow_ = saved_shadow_;
      if (!ok_) r_.error_at_ = saved_error_at_;
    }
    ShadowScope(const ShadowScope&) = delete;
    ShadowScope& operator=(const ShadowScope&) = delete;

   private:
    Runner& r_;
    Scope child_;
    Scope* saved_scope_;
    bool saved_shadow_;
    std::optional<graph::Location> saved_error_at_;
    bool ok_ = false;
  };

  Mode mode_;
  Scope root_;
  Scope* scope_ = &root_;
  bool shadow_ = false;
  std::optional<graph::Location> error_at_;
  std::map<std::string, std::unique_ptr<GradientTape>> tapes_;
  std::vector<std::string> inputs_;
  std::vector<GradientResult> gradients_;
  std::vector<StepResult> steps_;
  std::vector<std::string> pending_warnings_;  // the engine's warnings so far, in order
};

// J u for one value y, by double backward: with a dummy cotangent v watched by an outer tape,
// g(v) = vᵀJ = inner.gradient(y, xs, output_gradients = v) is linear in v, so
// d/dv <g(v), u> = J u. Terms are summed per dtype (no implicit promotion in the engine) and
// the parts added in double.
Value jvp_of(GradientTape& inner, const Tensor& y, const std::vector<Source>& xs,
             const std::vector<Tensor>& us) {
  Value out{y.dtype(), y.shape(), std::vector<double>(static_cast<std::size_t>(y.numel()), 0.0)};
  const Tensor v = Tensor::ones(y.shape(), y.dtype()).named("cotangent");
  GradientTape outer(/*persistent=*/true, /*watch_accessed_variables=*/false);
  std::map<DType, Tensor> sums;  // <g(v), u> per dtype
  {
    auto recording = outer.recording();
    outer.watch(v);
    GradientOptions options;
    options.output_gradients = v;
    const Gradients g = inner.gradient(y, xs, options);
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (!g[i]) continue;
      const Tensor term = apply_op(op_reduce_sum, {apply_op(op_mul, {*g[i], us[i]})});
      auto [it, fresh] = sums.try_emplace(term.dtype(), term);
      if (!fresh) it->second = apply_op(op_add, {it->second, term});
    }
  }
  for (const auto& [dtype, s] : sums) {
    const std::optional<Tensor> ju = outer.gradient(s, v);
    if (!ju) continue;
    for (std::size_t k = 0; k < out.data.size(); ++k) out.data[k] += (*ju)[static_cast<std::int64_t>(k)];
  }
  for (double& x : out.data) x = round_to_dtype(x, out.dtype);
  return out;
}

// The engine of engine/ running `rules_`: the reference rules, or a mutant's.
class ReferenceEngine final : public EngineUnderTest {
 public:
  ReferenceEngine(RuleSet rules, std::string name, bool clean)
      : rules_(std::move(rules)), name_(std::move(name)), clean_(clean) {}
  std::string name() const override { return name_; }
  bool clean() const { return clean_; }
  Capabilities capabilities() const override {
    Capabilities c;
    c.table_kink_rules = true;  // the table's rows are its rules (a mutant's one replaced rule aside)
    return c;
  }

  RunResult run(const graph::Graph& g, const InputValues& inputs) override { return run_graph(g, inputs, true); }
  RunResult run_for_gradients(const graph::Graph& g, const InputValues& inputs) override {
    return run_graph(g, inputs, false);
  }

  // Tangents of every floating value defined before the first Gradient statement (or before
  // an error), the inputs' own tangents included.
  std::optional<std::map<std::string, Value>> jvp(const graph::Graph& g, const InputValues& inputs,
                                                  const InputValues& tangents) override {
    const RuleSet::Use use(rules_);
    const InputValues u = materialize_tangents(g, tangents);
    Runner runner(Mode::forward);
    runner.setup(g, inputs);
    GradientTape inner(/*persistent=*/true, /*watch_accessed_variables=*/false);
    std::vector<Source> xs;
    std::vector<Tensor> us;
    for (const std::string& name : runner.inputs()) {
      const Tensor& x = runner.scope().own.at(name).tensor;
      if (!is_floating(x.dtype())) continue;
      inner.watch(x);
      xs.emplace_back(x);
      us.push_back(to_tensor(u.at(name)));
    }
    try {
      auto recording = inner.recording();
      runner.run_block(g.body);
    } catch (const StopAtGradient&) {
    } catch (const std::exception&) {
      // The values defined before the error still get their tangents.
    }
    std::map<std::string, Value> out;
    for (const auto& [name, slot] : runner.scope().own) {
      if (slot.none || !is_floating(slot.tensor.dtype())) continue;
      if (u.count(name))
        out[name] = u.at(name);
      else
        out[name] = jvp_of(inner, slot.tensor, xs, us);
    }
    return out;
  }

 private:
  RuleSet rules_;
  std::string name_;
  bool clean_;  // the reference rules, as make_reference_engine() makes it

  // Everything run() gives, or (whole_result false) the gradients and the error only.
  RunResult run_graph(const graph::Graph& g, const InputValues& inputs, bool whole_result) {
    const RuleSet::Use use(rules_);
    RunResult result;
    take_warnings();  // a previous run's on this thread are not this run's
    Runner runner(Mode::run);
    try {
      runner.setup(g, inputs);
      runner.run_block(g.body);
    } catch (const std::exception& e) {
      result.error = RaisedError{classify_error(e), e.what(), runner.error_at().value_or(graph::Location{})};
    } catch (...) {
      result.error = RaisedError{ErrorKind::other, "unknown exception", runner.error_at().value_or(graph::Location{})};
    }
    result.gradients = std::move(runner.gradients());
    if (!whole_result) return result;
    collect(runner.scope(), result.values);
    result.steps = std::move(runner.steps());
    result.warnings = std::move(runner.warnings());
    return result;
  }

  static void collect(const Scope& scope, std::map<std::string, Value>& values) {
    for (const auto& [name, slot] : scope.own)
      if (!slot.none && slot.tensor.defined()) values[name] = to_value(slot.tensor);
  }
};

}  // namespace

std::unique_ptr<EngineUnderTest> make_reference_engine() {
  return std::make_unique<ReferenceEngine>(RuleSet(), "reference", true);
}

std::unique_ptr<EngineUnderTest> make_reference_engine(RuleSet rules, std::string name) {
  return std::make_unique<ReferenceEngine>(std::move(rules), std::move(name), false);
}

bool is_reference_engine(const EngineUnderTest& engine) {
  const auto* reference = dynamic_cast<const ReferenceEngine*>(&engine);
  return reference && reference->clean();
}

}  // namespace tc::eut
