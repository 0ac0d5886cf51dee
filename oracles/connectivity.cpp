#include "oracles/connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/tensor.hpp"
#include "eut/inputs.hpp"
#include "graph/walk.hpp"
#include "oracles/evaluate.hpp"

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
    case NoneReason::no_path: return s + " (" + target + " does not depend on " + source + ")";
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

using NodeId = int;

// What a tape was doing when a node was made.
enum class Phase : std::uint8_t {
  recording,  // started and not paused: the op was offered to it
  paused,     // inside its stop_recording(), or while it ran its own gradient()
  outside,    // not started yet, or stopped
  suspended,  // the untaken branch of a cond: no tape sees anything
};

// A value of the run. Ids grow in creation order, so inputs have smaller ids than their
// consumers (the untaken-branch links of a cond are the one exception, see Cond).
struct Node {
  enum class Kind : std::uint8_t { constant, variable, op };
  Kind kind = Kind::constant;
  TensorSpec spec;
  std::vector<double> value;
  std::string label;  // the first IR name bound to it; "" for backward-pass temporaries
  bool trainable = false;
  const OpDef* op = nullptr;
  OpAttrs attrs;
  std::vector<NodeId> inputs;
  std::vector<Phase> phase;  // per tape, when it was made
  struct Untaken {
    std::optional<NodeId> result;  // the untaken branch's result, if it could be traced
    NodeId pred;
  };
  std::vector<Untaken> untaken;  // conds whose taken result this node is
  Tensor tensor;                 // a constant with this value, for running VJPs
};

struct TapeState {
  const graph::TapeDecl* decl = nullptr;
  bool recording = false;
  int paused = 0;
  bool used = false;
  std::unordered_set<NodeId> tracked;  // watched, or made by an op this tape recorded
  std::vector<NodeId> recorded;        // ops this tape recorded, in order
};

struct Binding {
  NodeId node = -1;
  bool variable = false;  // an input of kind variable: each use reads it (R2)
  bool none = false;      // a None gradient result
  std::string why;
};

// Using a None gradient result: an error, as in TF.
struct NoneUsed : Error {
  using Error::Error;
};

std::string error_kind(const std::exception& e) {
  if (dynamic_cast<const NoneUsed*>(&e)) return "none_used";
  if (dynamic_cast<const ShapeError*>(&e)) return "shape";
  if (dynamic_cast<const DTypeError*>(&e)) return "dtype";
  if (dynamic_cast<const TapeError*>(&e)) return "tape";
  if (dynamic_cast<const LimitError*>(&e)) return "limit";
  return "other";
}

std::string spec_str(const TensorSpec& s) { return std::string(dtype_name(s.dtype)) + s.shape.str(); }

class Model {
 public:
  Model(const graph::Graph& g, ConnectivityPrediction& out) : g_(g), out_(out) {}

  void run(const eut::InputValues& overrides) {
    try {
      setup(overrides);
      run_block(g_.body);
    } catch (const std::exception& e) {
      out_.error = PredictedError{error_kind(e), e.what(), error_at_.value_or(graph::Location{})};
    }
  }

 private:
  // --- setup and names --------------------------------------------------------------------
  void setup(const eut::InputValues& overrides) {
    for (const graph::TapeDecl& d : g_.tapes) {
      tape_index_[d.name] = tapes_.size();
      tapes_.push_back(TapeState{&d});
    }
    scopes_.emplace_back();
    const eut::InputValues values = eut::materialize_inputs(g_, overrides);
    for (const graph::Input& in : g_.inputs) {
      Node n;
      n.kind = in.kind == graph::InputKind::variable ? Node::Kind::variable : Node::Kind::constant;
      n.spec = {in.dtype, in.shape};
      n.value = values.at(in.name).data;
      n.trainable = in.trainable;
      const bool variable = n.kind == Node::Kind::variable;
      define(in.name, add_node(std::move(n)), variable);
    }
  }

  const Binding& binding(const std::string& name) const {
    for (auto s = scopes_.rbegin(); s != scopes_.rend(); ++s) {
      auto it = s->find(name);
      if (it != s->end()) return it->second;
    }
    throw Error(name + " is not defined");
  }

  // A use of `name` as an operand: a variable is read (auto-watched, R2); None is an error.
  NodeId use(const std::string& name) {
    const Binding& b = binding(name);
    if (b.none) throw NoneUsed(name + " is None (" + b.why + ")");
    if (b.variable) read_variable(b.node);
    return b.node;
  }

  void define(const std::string& name, NodeId id, bool variable = false) {
    if (nodes_[id].label.empty()) nodes_[id].label = name;
    scopes_.back()[name] = Binding{id, variable, false, {}};
  }

  void define_none(const std::string& name, std::string why) {
    scopes_.back()[name] = Binding{-1, false, true, std::move(why)};
  }

  std::size_t tape_of(const std::string& name) const {
    auto it = tape_index_.find(name);
    if (it == tape_index_.end())
      for (auto t = tape_index_.begin(); t != tape_index_.end() && it == tape_index_.end(); ++t)
        if (eut::bare_name(t->first) == eut::bare_name(name)) it = t;
    if (it == tape_index_.end()) throw TapeError("no tape named '" + eut::bare_name(name) + "'");
    return it->second;
  }

  // --- the tape model -----------------------------------------------------------------------
  bool records_now(const TapeState& t) const { return !shadow_ && t.recording && t.paused == 0; }

  // R2: a trainable variable read while a tape records is watched by it, unless the tape
  // was made with watch_accessed_variables = false. Reads in an untaken branch never happen.
  void read_variable(NodeId v) {
    const Node& n = nodes_[v];
    if (n.kind != Node::Kind::variable || !n.trainable) return;
    for (TapeState& t : tapes_)
      if (records_now(t) && t.decl->watch_accessed_variables) watch(t, v);
  }

  // R3: watching an integer/bool value has no effect.
  void watch(TapeState& t, NodeId v) {
    if (is_floating(nodes_[v].spec.dtype)) t.tracked.insert(v);
  }

  // Adds a value; an op's result is recorded by every tape that records now and tracks one
  // of its differentiable, floating inputs (R1, R3, R4, R6).
  NodeId add_node(Node n) {
    const NodeId id = static_cast<NodeId>(nodes_.size());
    n.phase.resize(tapes_.size());
    for (std::size_t k = 0; k < tapes_.size(); ++k) {
      const TapeState& t = tapes_[k];
      n.phase[k] = shadow_        ? Phase::suspended
                   : t.paused > 0 ? Phase::paused
                   : t.recording  ? Phase::recording
                                  : Phase::outside;
    }
    nodes_.push_back(std::move(n));
    const Node& node = nodes_.back();
    if (!node.op || shadow_ || !is_floating(node.spec.dtype)) return id;
    for (std::size_t k = 0; k < tapes_.size(); ++k) {
      TapeState& t = tapes_[k];
      if (node.phase[k] != Phase::recording) continue;
      bool flows = false;
      for (std::size_t j = 0; j < node.inputs.size() && !flows; ++j) {
        const NodeId in = node.inputs[j];
        flows = node.op->input(static_cast<int>(j)).differentiable() &&
                is_floating(nodes_[in].spec.dtype) && t.tracked.count(in);
      }
      if (flows) {
        t.recorded.push_back(id);
        t.tracked.insert(id);
      }
    }
    return id;
  }

  NodeId add_constant(const TensorSpec& spec, double fill) {
    Node n;
    n.spec = spec;
    n.value.assign(static_cast<std::size_t>(spec.shape.numel()), fill);
    return add_node(std::move(n));
  }

  // --- backward passes, for nested tapes (R10) ----------------------------------------------
  // A tensor holding node `id`'s value, for the op table's VJPs. Tensors a VJP makes from it
  // are mapped back to nodes by import().
  const Tensor& tensor_of(NodeId id) {
    Node& n = nodes_[id];
    if (!n.tensor.defined()) {
      n.tensor = Tensor::constant(n.value, n.spec.shape, n.spec.dtype);
      node_of_.emplace(n.tensor.impl(), id);
    }
    return n.tensor;
  }

  // A tensor a VJP returned, with every op that made it: new nodes, offered to the tapes like
  // any op (an outer tape records the backward pass of an inner one).
  NodeId import(const Tensor& t) {
    if (auto it = node_of_.find(t.impl()); it != node_of_.end()) return it->second;
    std::vector<NodeId> inputs;
    for (const auto& p : t.impl()->inputs) inputs.push_back(import(Tensor(p)));
    Node n;
    n.kind = t.impl()->op ? Node::Kind::op : Node::Kind::constant;
    n.spec = t.spec();
    n.value = t.values();
    n.op = t.impl()->op;
    if (t.impl()->attrs) n.attrs = *t.impl()->attrs;
    n.inputs = std::move(inputs);
    n.tensor = t;
    const NodeId id = add_node(std::move(n));
    node_of_.emplace(t.impl(), id);
    return id;
  }

  // d target / d node for every node the backward pass of tape `t` reaches: the sum over the
  // tape's recorded ops newest first, through differentiable floating edges into tracked
  // values (R6, R8). Values, so that later statements can branch on gradients.
  std::unordered_map<NodeId, NodeId> backward(TapeState& t, NodeId target,
                                              std::optional<NodeId> output_gradients) {
    std::unordered_map<NodeId, NodeId> grads;
    if (!is_floating(nodes_[target].spec.dtype) || !t.tracked.count(target)) return grads;
    grads[target] = output_gradients ? *output_gradients : add_constant(nodes_[target].spec, 1.0);
    for (std::size_t r = t.recorded.size(); r-- > 0;) {
      const NodeId e = t.recorded[r];
      if (e > target) continue;
      auto g = grads.find(e);
      if (g == grads.end()) continue;
      const OpDef* op = nodes_[e].op;
      const OpAttrs attrs = nodes_[e].attrs;
      const std::vector<NodeId> in = nodes_[e].inputs;
      std::vector<Tensor> inputs;
      for (NodeId i : in) inputs.push_back(tensor_of(i));
      const Tensor output = tensor_of(e);
      const Tensor upstream = tensor_of(g->second);
      std::vector<std::optional<Tensor>> gin(in.size());
      op->vjp({attrs, inputs.data(), static_cast<int>(in.size()), output, upstream}, gin.data());
      for (std::size_t j = 0; j < in.size(); ++j) {
        if (!op->input(static_cast<int>(j)).differentiable() ||
            !is_floating(nodes_[in[j]].spec.dtype) || !t.tracked.count(in[j]))
          continue;
        if (!gin[j])
          throw Error(std::string("the VJP of ") + op->name +
                      " returned None for differentiable input " + std::to_string(j));
        const NodeId c = import(*gin[j]);
        auto [slot, fresh] = grads.try_emplace(in[j], c);
        if (!fresh) slot->second = import(add(tensor_of(slot->second), tensor_of(c)));
      }
    }
    return grads;
  }

  // --- explanations (R13) --------------------------------------------------------------------
  std::string label(NodeId id) const {
    const Node& n = nodes_[id];
    if (!n.label.empty()) return n.label;
    return "#" + std::to_string(id) + " (" + (n.op ? n.op->name : "constant") + ")";
  }

  // Every edge a value depends on, cut or not: op inputs and untaken-branch links.
  template <class F>
  void for_each_dependency(NodeId id, F&& f) const {
    const Node& n = nodes_[id];
    for (NodeId in : n.inputs) f(in);
    for (const Node::Untaken& u : n.untaken) {
      if (u.result) f(*u.result);
      f(u.pred);
    }
  }

  // The values from which `source` is reachable, among those `target` depends on. Untaken
  // links can close a cycle (a branch yields x, the other branch reads x), so this is a
  // plain search, not a recursion over inputs.
  std::unordered_set<NodeId> reaching(NodeId target, NodeId source) const {
    std::unordered_set<NodeId> seen{target};
    std::vector<NodeId> stack{target};
    std::unordered_map<NodeId, std::vector<NodeId>> users;
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      for_each_dependency(n, [&](NodeId in) {
        users[in].push_back(n);
        if (seen.insert(in).second) stack.push_back(in);
      });
    }
    std::unordered_set<NodeId> reach;
    if (!seen.count(source)) return reach;
    reach.insert(source);
    stack = {source};
    while (!stack.empty()) {
      const NodeId n = stack.back();
      stack.pop_back();
      for (NodeId u : users[n])
        if (reach.insert(u).second) stack.push_back(u);
    }
    return reach;
  }

  std::string not_watched_detail(const Node& s, const TapeState& t) const {
    const std::string tape = "'" + eut::bare_name(t.decl->name) + "'";
    switch (s.kind) {
      case Node::Kind::variable:
        if (!s.trainable) return "a Variable with trainable=false; only tape.watch() watches it";
        if (!t.decl->watch_accessed_variables)
          return "tape " + tape + " was made with watch_accessed_variables=false and never watched it";
        return "the Variable was never read while tape " + tape + " was recording";
      case Node::Kind::constant:
        return "a plain tensor, not a Variable, and tape " + tape + " never watched it";
      case Node::Kind::op: break;
    }
    return "computed by an op tape " + tape + " did not record, and never watched";
  }

  // Why d target / d source is None on tape `t`: walk from the target along the edges the
  // value depends on; the first edge on each path that R1–R5/R11 cut is that path's cut.
  void explain(std::size_t ti, NodeId target, NodeId source, SourcePrediction& p) const {
    const TapeState& t = tapes_[ti];
    if (!is_floating(nodes_[source].spec.dtype)) {
      p.reason = NoneReason::integer_source;
      return;
    }
    if (!is_floating(nodes_[target].spec.dtype)) {
      p.reason = NoneReason::integer_target;
      return;
    }
    const std::unordered_set<NodeId> reach = reaching(target, source);
    if (!reach.count(target)) {
      p.reason = NoneReason::no_path;
      return;
    }
    std::unordered_set<NodeId> seen{target};
    std::vector<NodeId> queue{target};
    std::unordered_set<std::string> keys;
    // One cut per node and rule (x * x before the tape is one cut, not two).
    auto cut = [&](NodeId at, const std::string& op, int input, CutRule rule,
                   std::optional<NodeId> in = std::nullopt) {
      Cut c{label(at), op, input, rule, "", ""};
      if (in) {
        c.input_node = label(*in);
        const bool int_edge = !is_floating(nodes_[*in].spec.dtype);
        c.input_dtype = dtype_name(int_edge ? nodes_[*in].spec.dtype : nodes_[at].spec.dtype);
      }
      if (keys.insert(c.node + "/" + op + "/" + rule_words(rule)).second) p.cuts.push_back(std::move(c));
    };
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const NodeId id = queue[q];
      if (id == source) continue;
      const Node& n = nodes_[id];
      for (const Node::Untaken& u : n.untaken) {
        if (u.result && reach.count(*u.result)) cut(id, "cond", 0, CutRule::untaken_branch);
        if (reach.count(u.pred)) cut(id, "cond", 0, CutRule::non_differentiable);
      }
      if (!n.op) continue;
      for (std::size_t j = 0; j < n.inputs.size(); ++j) {
        const NodeId in = n.inputs[j];
        if (!reach.count(in)) continue;
        std::optional<CutRule> rule = cut_rule_of(n.op->input(static_cast<int>(j)).grad);
        if (!rule) {  // not cut by the op table: by the dtypes or the recording
          if (!is_floating(nodes_[in].spec.dtype) || !is_floating(n.spec.dtype))
            rule = CutRule::integer_dtype;
          else if (n.phase[ti] == Phase::paused)
            rule = CutRule::stop_recording;
          else if (n.phase[ti] == Phase::outside || n.phase[ti] == Phase::suspended)
            rule = CutRule::outside_recording;
        }
        if (rule)
          cut(id, n.op->name, static_cast<int>(j), *rule, in);
        else if (seen.insert(in).second)
          queue.push_back(in);
      }
    }
    if (!p.cuts.empty()) {
      p.reason = NoneReason::cut;
    } else {
      p.reason = NoneReason::not_watched;
      p.detail = not_watched_detail(nodes_[source], t);
    }
  }

  // --- statements ---------------------------------------------------------------------------
  void run_block(const graph::Block& block) {
    for (const graph::Statement& s : block) exec(s);
  }

  void exec(const graph::Statement& s) {
    try {
      std::visit([&](const auto& node) { exec_node(node, s); }, s.node);
    } catch (const std::exception&) {
      if (!error_at_ || (error_at_->line == 0 && s.loc.line != 0)) error_at_ = s.loc;
      throw;
    }
  }

  // Values come from the generic evaluator, one statement at a time: the model needs them for
  // cond predicates and loop conditions at every execution, including every iteration.
  void exec_node(const graph::OpStmt& s, const graph::Statement& stmt) {
    std::vector<NodeId> operands;
    for (const std::string& o : s.operands) operands.push_back(use(o));
    graph::Graph one;
    std::map<std::string, std::vector<double>> values;
    for (std::size_t k = 0; k < operands.size(); ++k) {
      if (values.count(s.operands[k])) continue;
      const Node& n = nodes_[operands[k]];
      graph::Input in;
      in.name = s.operands[k];
      in.dtype = n.spec.dtype;
      in.shape = n.spec.shape;
      one.inputs.push_back(std::move(in));
      values[s.operands[k]] = n.value;
    }
    one.body.push_back(graph::Statement{s, stmt.loc});
    Evaluation<double> e = evaluate<double>(one, values, false);
    Node n;
    n.kind = Node::Kind::op;
    n.spec = e.specs.at(s.result);
    n.value = std::move(e.values.at(s.result));
    n.op = &get_op(s.op);
    n.attrs = s.attrs;
    n.inputs = std::move(operands);
    define(s.result, add_node(std::move(n)));
  }

  void exec_node(const graph::Record& r, const graph::Statement&) {
    if (shadow_) return run_block(r.body);
    TapeState& t = tapes_[tape_of(r.tape)];
    if (t.recording) throw TapeError("GradientTape.start(): the tape is already recording");
    t.recording = true;
    run_block(r.body);
    t.recording = false;
  }

  void exec_node(const graph::StopRecording& r, const graph::Statement&) {
    if (shadow_) return run_block(r.body);
    TapeState& t = tapes_[tape_of(r.tape)];
    ++t.paused;
    run_block(r.body);
    --t.paused;
  }

  void exec_node(const graph::Watch& w, const graph::Statement&) {
    if (shadow_) return;
    TapeState& t = tapes_[tape_of(w.tape)];
    for (const std::string& v : w.values) {
      const Binding& b = binding(v);
      watch(t, b.variable ? b.node : use(v));
    }
  }

  // The untaken branch is traced in a throwaway scope with no tape seeing it (R11), only so
  // that explanations can name it; an error there is not an error of the run.
  class Shadow {
   public:
    explicit Shadow(Model& m) : m_(m), saved_error_at_(m.error_at_) {
      m_.scopes_.emplace_back();
      ++m_.shadow_;
    }
    ~Shadow() {
      m_.scopes_.pop_back();
      --m_.shadow_;
      m_.error_at_ = saved_error_at_;
    }
    Shadow(const Shadow&) = delete;
    Shadow& operator=(const Shadow&) = delete;

   private:
    Model& m_;
    std::optional<graph::Location> saved_error_at_;
  };

  void exec_node(const graph::Cond& c, const graph::Statement&) {
    if (c.then_yield.size() != c.results.size() || c.else_yield.size() != c.results.size())
      throw Error("cond: " + std::to_string(c.results.size()) + " results but the branches yield " +
                  std::to_string(c.then_yield.size()) + " and " +
                  std::to_string(c.else_yield.size()) + " values");
    const NodeId pred = use(c.pred);
    const TensorSpec& ps = nodes_[pred].spec;
    if (ps.shape.numel() != 1 || ps.dtype != DType::boolean)
      throw DTypeError("cond: the predicate must be a scalar bool tensor, got " + spec_str(ps));
    const bool then_taken = nodes_[pred].value[0] != 0.0;
    run_block(then_taken ? c.then_body : c.else_body);
    std::vector<NodeId> taken;
    for (const std::string& y : then_taken ? c.then_yield : c.else_yield) taken.push_back(use(y));
    std::vector<NodeId> untaken;
    bool traced = false;
    {
      Shadow shadow(*this);
      try {
        run_block(then_taken ? c.else_body : c.then_body);
        for (const std::string& y : then_taken ? c.else_yield : c.then_yield)
          untaken.push_back(use(y));
        traced = true;
      } catch (const Error&) {
        // The untaken branch would fail on these values; it never runs, as in TF.
      }
    }
    for (std::size_t k = 0; k < c.results.size(); ++k) {
      Node::Untaken link{std::nullopt, pred};
      if ((k == 0 && traced) || (k > 0 && k < untaken.size())) link.result = untaken[k];
      nodes_[taken[k]].untaken.push_back(link);
      define(c.results[k], taken[k]);
    }
  }

  // Every executed iteration is recorded like straight-line code (R11).
  void exec_node(const graph::While& w, const graph::Statement&) {
    if (w.params.size() != w.init.size() || w.body_yield.size() != w.init.size())
      throw Error("while_loop: " + std::to_string(w.init.size()) + " initial values, " +
                  std::to_string(w.params.size()) + " parameters, the body yields " +
                  std::to_string(w.body_yield.size()));
    std::vector<NodeId> vars;
    for (const std::string& i : w.init) vars.push_back(use(i));
    const std::int64_t cap = graph::loop_cap(w);
    for (std::int64_t i = 0;; ++i) {
      for (std::size_t k = 0; k < vars.size(); ++k) define(w.params[k], vars[k]);
      run_block(w.cond_body);
      const NodeId c = use(w.cond_yield);
      const TensorSpec& cs = nodes_[c].spec;
      if (cs.shape.numel() != 1 || cs.dtype != DType::boolean)
        throw DTypeError("while_loop: the condition must return a scalar bool tensor");
      if (nodes_[c].value[0] == 0.0) break;
      if (i >= cap) throw LimitError("while_loop: more than " + std::to_string(cap) + " iterations");
      for (std::size_t k = 0; k < vars.size(); ++k) define(w.params[k], vars[k]);
      run_block(w.body);
      std::vector<NodeId> next;
      for (const std::string& y : w.body_yield) next.push_back(use(y));
      for (std::size_t k = 0; k < next.size(); ++k) {
        const TensorSpec& a = nodes_[vars[k]].spec;
        const TensorSpec& b = nodes_[next[k]].spec;
        if (a.shape != b.shape || a.dtype != b.dtype)
          throw ShapeError("while_loop: loop variable " + std::to_string(k) + " changed from " +
                           spec_str(a) + " to " + spec_str(b));
      }
      vars = std::move(next);
    }
    for (std::size_t k = 0; k < w.results.size() && k < vars.size(); ++k) define(w.results[k], vars[k]);
  }

  void exec_node(const graph::Gradient& g, const graph::Statement& stmt) {
    if (shadow_) throw Error("a gradient() in an untaken branch does not run");
    if (g.results.size() != g.sources.size())
      throw Error("gradient: " + std::to_string(g.results.size()) + " results for " +
                  std::to_string(g.sources.size()) + " sources");
    const std::size_t ti = tape_of(g.tape);
    TapeState& t = tapes_[ti];
    const NodeId target = use(g.target);
    std::vector<NodeId> sources;
    for (const std::string& name : g.sources) {
      const Binding& b = binding(name);
      sources.push_back(b.variable ? b.node : use(name));  // passing a variable does not read it
    }
    std::optional<NodeId> og;
    if (g.output_gradients) og = use(*g.output_gradients);
    if (t.used && !t.decl->persistent)
      throw TapeError("gradient() called a second time on the non-persistent tape '" +
                      eut::bare_name(t.decl->name) + "' (R9: make it persistent)");
    t.used = true;
    if (og && nodes_[*og].spec.shape != nodes_[target].spec.shape)
      throw ShapeError("gradient(): output_gradients shape " + nodes_[*og].spec.shape.str() +
                       " differs from the target shape " + nodes_[target].spec.shape.str());
    // A tape does not record its own backward pass; other recording tapes do (R10).
    const bool self_pause = t.recording;
    if (self_pause) ++t.paused;
    struct Resume {
      TapeState& t;
      bool on;
      ~Resume() {
        if (on) --t.paused;
      }
    } resume{t, self_pause};

    const std::unordered_map<NodeId, NodeId> grads = backward(t, target, og);
    GradientPrediction p;
    p.index = static_cast<int>(out_.gradients.size());
    p.tape = g.tape;
    p.target = g.target;
    p.loc = stmt.loc;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      SourcePrediction sp;
      sp.source = g.sources[k];
      const NodeId s = sources[k];
      auto it = grads.find(s);
      if (it != grads.end() && is_floating(nodes_[s].spec.dtype)) {
        sp.connected = true;
        define(g.results[k], it->second);
      } else {
        explain(ti, target, s, sp);
        if (g.unconnected == graph::Unconnected::zero) {
          sp.zero_filled = true;  // R7
          define(g.results[k], add_constant(nodes_[s].spec, 0.0));
        } else {
          define_none(g.results[k], sp.sentence(g.target));
        }
      }
      p.sources.push_back(std::move(sp));
    }
    out_.gradients.push_back(std::move(p));
  }

  const graph::Graph& g_;
  ConnectivityPrediction& out_;
  std::deque<Node> nodes_;
  std::vector<TapeState> tapes_;
  std::map<std::string, std::size_t> tape_index_;
  std::vector<std::map<std::string, Binding>> scopes_;
  std::unordered_map<const TensorImpl*, NodeId> node_of_;
  int shadow_ = 0;
  std::optional<graph::Location> error_at_;
};

std::string where(const graph::Location& at) {
  return at.line ? " (line " + std::to_string(at.line) + ")" : "";
}

bool all_zero(const eut::Value& v) {
  return std::all_of(v.data.begin(), v.data.end(), [](double x) { return x == 0.0; });
}

}  // namespace

ConnectivityPrediction predict_connectivity(const graph::Graph& g, const eut::InputValues& inputs) {
  ConnectivityPrediction out;
  Model(g, out).run(inputs);
  return out;
}

std::vector<Finding> check_connectivity(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& run, const eut::Capabilities& engine) {
  const ConnectivityPrediction pred = predict_connectivity(g, inputs);
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
  const std::size_t n = std::max(pred.gradients.size(), run.gradients.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int index = static_cast<int>(i);
    if (i >= run.gradients.size()) {
      // The engine stopped before this gradient() (or never reached it).
      const GradientPrediction& p = pred.gradients[i];
      const std::string why = run.error ? "the engine stopped with a " + run.error->kind +
                                              " error" + where(run.error->at) + ": " +
                                              run.error->message
                                        : "the engine ran only " +
                                              std::to_string(run.gradients.size()) +
                                              " gradient() calls";
      for (const SourcePrediction& s : p.sources)
        finding(index, p.target, s.source,
                run.error ? Outcome::inconclusive : Outcome::mismatch,
                why + "; predicted " + s.sentence(p.target));
      continue;
    }
    const eut::GradientResult& r = run.gradients[i];
    if (i >= pred.gradients.size()) {
      const bool forbidden = pred.error && (pred.error->kind == "tape" || pred.error->kind == "none_used");
      const std::string why =
          pred.error ? "predicted the run to stop before this gradient() with a " + pred.error->kind +
                           " error" + where(pred.error->at) + ": " + pred.error->message
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
          finding(index, p.target, s.source, Outcome::mismatch,
                  "the engine returned a value where None is predicted: " + s.sentence(p.target));
        else
          finding(index, p.target, s.source, Outcome::agree, "both None: " + s.sentence(p.target));
        continue;
      }
      if (!v) {
        finding(index, p.target, s.source, Outcome::mismatch,
                "the engine returned None" + engine_why + " where a value is predicted: " +
                    s.sentence(p.target));
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
      if (!problem.empty())
        finding(index, p.target, s.source, Outcome::mismatch, problem + "; predicted " + s.sentence(p.target));
      else
        finding(index, p.target, s.source, Outcome::agree, s.sentence(p.target));
    }
  }
  return out;
}

}  // namespace tc::oracles
