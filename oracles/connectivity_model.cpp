// The connectivity oracle's model of a run (connectivity.hpp): TF GradientTape semantics
// written apart from the engine's tape — tapes recording, paused and watching, values and the
// ops that made them, backward passes for nested tapes, and why a gradient is None.
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
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/reduce/reduce_plan.hpp"
#include "engine/tensor.hpp"
#include "eut/inputs.hpp"
#include "graph/walk.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/connectivity_nodes.hpp"
#include "oracles/evaluate.hpp"

namespace tc::oracles {

namespace {

using namespace connectivity;

struct Binding {
  NodeId node = -1;
  bool variable = false;  // an input of kind variable: each use reads it (R2)
  bool none = false;      // a None gradient result
  std::string why;
};

std::string spec_str(const TensorSpec& s) { return std::string(dtype_name(s.dtype)) + s.shape.str(); }

class Model {
 public:
  Model(const graph::Graph& g, const eut::SemanticsProfile& profile, ConnectivityPrediction& out)
      : g_(g), profile_(profile), out_(out) {}

  void run(const eut::InputValues& overrides) {
    try {
      setup(overrides);
      run_block(g_.body);
    } catch (const std::exception& e) {
      out_.error = PredictedError{eut::classify_error(e), e.what(), error_at_.value_or(graph::Location{})};
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
      const NodeId id = add_node(std::move(n));
      define(in.name, id, variable);
      // A parameter requires grad from its creation, for every tape (the profile's fact).
      if (in.trainable && variable && profile_.variables == eut::VariableWatch::from_start)
        for (TapeState& t : tapes_) watch(t, id);
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
    if (b.none) throw NoneUsedError(name + " is None (" + b.why + ")");
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
  bool one_graph() const { return profile_.recording == eut::Recording::one_graph; }

  // One grad mode (the profile's one_graph): on while some tape records and no tape is paused.
  bool grad_mode() const {
    bool open = false;
    for (const TapeState& t : tapes_) {
      if (t.paused > 0) return false;
      open = open || t.recording;
    }
    return open;
  }

  bool records_now(const TapeState& t) const {
    if (shadow_) return false;
    return one_graph() ? grad_mode() : t.recording && t.paused == 0;
  }

  Phase phase_now(const TapeState& t) const {
    if (shadow_) return Phase::suspended;
    if (!one_graph()) return t.paused > 0 ? Phase::paused : t.recording ? Phase::recording : Phase::outside;
    bool open = false, paused = false;
    for (const TapeState& u : tapes_) {
      open = open || u.recording;
      paused = paused || u.paused > 0;
    }
    return paused ? Phase::paused : open ? Phase::recording : Phase::outside;
  }

  // R2: a trainable variable read while a tape records is watched by it, unless the tape
  // was made with watch_accessed_variables = false. Reads in an untaken branch never happen.
  void read_variable(NodeId v) {
    const Node& n = nodes_[v];
    if (n.kind != Node::Kind::variable || !n.trainable) return;
    if (profile_.variables == eut::VariableWatch::from_start) return;  // watched since setup
    for (TapeState& t : tapes_)
      if (records_now(t) && t.decl->watch_accessed_variables) watch(t, v);
  }

  // R3: watching an integer/bool value has no effect. With one graph (requires_grad_), every
  // tape sees it.
  void watch(TapeState& t, NodeId v) {
    if (!is_floating(nodes_[v].spec.dtype)) return;
    if (!one_graph()) {
      t.tracked.insert(v);
      return;
    }
    for (TapeState& u : tapes_) u.tracked.insert(v);
  }

  // Adds a value; an op's result is recorded by every tape that records now and tracks one
  // of its differentiable, floating inputs (R1, R3, R4, R6).
  NodeId add_node(Node n) {
    const NodeId id = static_cast<NodeId>(nodes_.size());
    n.phase.resize(tapes_.size());
    for (std::size_t k = 0; k < tapes_.size(); ++k) n.phase[k] = phase_now(tapes_[k]);
    // Edges fixed when the op runs (the profile's at_creation): to the inputs some tape tracks
    // now; watching an input later adds none.
    if (profile_.edges == eut::EdgeBinding::at_creation)
      for (const NodeId in : n.inputs) {
        bool tracked = false;
        for (const TapeState& t : tapes_) tracked = tracked || t.tracked.count(in) > 0;
        n.edge_at_creation.push_back(tracked);
      }
    nodes_.push_back(std::move(n));
    const Node& node = nodes_.back();
    if ((!node.op && node.kind != Node::Kind::gradient) || shadow_ || !is_floating(node.spec.dtype)) return id;
    for (std::size_t k = 0; k < tapes_.size(); ++k) {
      TapeState& t = tapes_[k];
      if (node.phase[k] != Phase::recording) continue;
      bool flows = false;
      for (std::size_t j = 0; j < node.inputs.size() && !flows; ++j) {
        const NodeId in = node.inputs[j];
        flows = passes(node, j) && is_floating(nodes_[in].spec.dtype) && t.tracked.count(in);
      }
      if (flows) {
        t.recorded.push_back(id);
        t.tracked.insert(id);
      }
    }
    return id;
  }

  // Whether input j of `n` passes gradient: an op's differentiable inputs (the table's class,
  // or the profile's zero gradient); every input of a gradient node (what its VJP reads, R5
  // included).
  bool passes(const Node& n, std::size_t j) const {
    return n.kind == Node::Kind::gradient || (n.op && profile_.passes(*n.op, static_cast<int>(j)));
  }

  // Whether the backward pass reaches input j of recorded node `n` (edges fixed at creation).
  static bool has_edge(const Node& n, std::size_t j) {
    return n.edge_at_creation.empty() || n.edge_at_creation[j];
  }

  NodeId add_constant(const TensorSpec& spec, double fill) {
    Node n;
    n.spec = spec;
    n.value.assign(static_cast<std::size_t>(spec.shape.numel()), fill);
    return add_node(std::move(n));
  }

  // --- backward passes, for nested tapes (R10) ----------------------------------------------
  // What a backward pass computes is modelled from the op table's facts: the gradient a VJP
  // gives for one input is a `gradient` node whose inputs are what the row says the VJP reads
  // (InputDef::vjp_reads). An outer tape records those nodes and differentiates along exactly
  // those edges, so which second-order results are None follows from the facts, never from the
  // VJP code (which an engine under test may share). The VJPs are run only for the values —
  // later statements may branch on a gradient — on constant tensors of the model's values.

  // A tensor holding node `id`'s value: a constant for values of the graph, the VJP's tensor for
  // gradient nodes (gradient_along differentiates along its provenance).
  const Tensor& tensor_of(NodeId id) {
    Node& n = nodes_[id];
    if (!n.tensor.defined()) n.tensor = Tensor::constant(n.value, n.spec.shape, n.spec.dtype);
    return n.tensor;
  }

  // A node holding `t`, made by `op` from `inputs` (a sum of gradients: op_add).
  NodeId add_op_node(const OpDef& op, std::vector<NodeId> inputs, const Tensor& t) {
    Node n;
    n.kind = Node::Kind::op;
    n.spec = t.spec();
    n.value = t.values();
    n.op = &op;
    n.inputs = std::move(inputs);
    n.tensor = t;
    return add_node(std::move(n));
  }

  // A gradient node: the gradient `t` for input `for_input` of node `of`, computed from
  // `reads` (node, how), offered to the tapes like any op.
  NodeId add_gradient_node(NodeId of, int for_input, const std::vector<std::pair<NodeId, Dependence>>& reads,
                           const Tensor& t, bool approximate) {
    Node n;
    n.kind = Node::Kind::gradient;
    n.spec = t.spec();
    n.value = t.values();
    n.of = of;
    n.for_input = for_input;
    for (const auto& [node, how] : reads) {
      n.inputs.push_back(node);
      n.how.push_back(how);
    }
    n.approximate = approximate;
    n.tensor = t;
    return add_node(std::move(n));
  }

  // Whether each element of a scan of node `x` along `attrs.axis` (negative: from the end)
  // combines at most one element of x: an axis of one element, or of two for an exclusive scan.
  static bool scans_at_most_one(const Node& x, const OpAttrs& attrs) {
    const int rank = x.spec.shape.rank();
    const std::int64_t axis = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
    return axis >= 0 && axis < rank && x.spec.shape[static_cast<int>(axis)] - (attrs.exclusive ? 1 : 0) <= 1;
  }

  static bool holds_zero(const Node& x) { return std::find(x.value.begin(), x.value.end(), 0.0) != x.value.end(); }

  // Whether a product of `x` (a reduction: attrs' axes, keepdims) reads nothing in its backward
  // under OpSemantics::product_reads_by_zeros: x a scalar, or each group one element of an x
  // holding a zero (`zero`: holds_zero(x)).
  static bool product_reads_nothing(const Node& x, const OpAttrs& attrs, bool zero) {
    if (x.spec.shape.rank() == 0) return true;
    return zero && kernel::plan_reduce("reduce_prod", x.spec.shape, attrs.axes, attrs.keepdims).group == 1;
  }

  // (node, how) with each node once, the strongest dependence kept (smooth over linear over
  // piecewise: a value read both through a mask and smoothly depends on it smoothly).
  static void add_read(std::vector<std::pair<NodeId, Dependence>>& reads, NodeId node, Dependence how) {
    auto rank = [](Dependence d) { return d == Dependence::smooth ? 2 : d == Dependence::linear ? 1 : 0; };
    for (auto& [n, h] : reads)
      if (n == node) {
        if (rank(how) > rank(h)) h = how;
        return;
      }
    reads.emplace_back(node, how);
  }

  // The gradients of recorded op node `e` for the inputs tape `t` tracks, given the upstream
  // gradient `up`: (input, gradient node) pairs.
  std::vector<std::pair<std::size_t, NodeId>> op_gradients(TapeState& t, NodeId e, NodeId up) {
    const OpDef* op = nodes_[e].op;
    const OpAttrs attrs = nodes_[e].attrs;
    const std::vector<NodeId> in = nodes_[e].inputs;
    std::vector<std::size_t> wanted;
    bool any_differentiable = false;
    for (std::size_t j = 0; j < in.size(); ++j)
      if (passes(nodes_[e], j) && has_edge(nodes_[e], j) && is_floating(nodes_[in[j]].spec.dtype) &&
          t.tracked.count(in[j])) {
        wanted.push_back(j);
        any_differentiable = any_differentiable || op->input(static_cast<int>(j)).differentiable();
      }
    if (wanted.empty()) return {};
    std::vector<Tensor> inputs;
    for (NodeId i : in) inputs.push_back(tensor_of(i));
    const Tensor output = tensor_of(e);
    const Tensor upstream = tensor_of(up);
    std::vector<std::optional<Tensor>> gin(in.size());
    if (any_differentiable) op->vjp({attrs, inputs.data(), static_cast<int>(in.size()), output, upstream}, gin.data());
    const eut::OpSemantics& rules = profile_.op(*op);
    std::vector<std::pair<std::size_t, NodeId>> out;
    for (std::size_t j : wanted) {
      if (!op->input(static_cast<int>(j)).differentiable()) {
        // The profile's zero gradient for a non-differentiable input: a constant, no reads.
        const Node& x = nodes_[in[j]];
        out.emplace_back(j, add_gradient_node(e, static_cast<int>(j), {}, Tensor::zeros(x.spec.shape, x.spec.dtype),
                                              false));
        continue;
      }
      if (!gin[j])
        throw Error(std::string("the VJP of ") + op->name + " returned None for differentiable input " +
                    std::to_string(j));
      std::vector<std::pair<NodeId, Dependence>> reads;
      const bool zero = rules.product_reads_by_zeros && holds_zero(nodes_[in[j]]);
      const bool constant = (rules.scan_of_one_reads_nothing && scans_at_most_one(nodes_[in[j]], attrs)) ||
                            (rules.product_reads_by_zeros && product_reads_nothing(nodes_[in[j]], attrs, zero));
      for (const VjpRead& r : profile_.vjp_reads(*op, static_cast<int>(j))) {
        if (!r.applies(attrs)) continue;                                            // not for these attributes
        if (r.how == Dependence::piecewise && rules.masks_are_constants) continue;  // a constant mask
        if (constant && r.operand != VjpOperand::upstream) continue;                // reads no input
        if (zero && r.operand == VjpOperand::output) continue;  // the others' products, not result/x
        switch (r.operand) {
          case VjpOperand::upstream: add_read(reads, up, r.how); break;
          case VjpOperand::output: add_read(reads, e, r.how); break;
          case VjpOperand::self: add_read(reads, in[j], r.how); break;
          case VjpOperand::input:
            if (r.input >= 0 && static_cast<std::size_t>(r.input) < in.size()) add_read(reads, in[static_cast<std::size_t>(r.input)], r.how);
            break;
        }
      }
      out.emplace_back(j, add_gradient_node(e, static_cast<int>(j), reads, *gin[j], false));
    }
    return out;
  }

  // The gradients of recorded gradient node `e` (a gradient of a gradient: third order and up)
  // for the reads tape `t` tracks, given the upstream gradient `up`. The table's facts say what
  // a VJP reads, not what the derivative of a VJP reads; the model's rule — a VJP being linear
  // in its upstream gradient and a product of the rest — is: the derivative with respect to a
  // read D depends on `up`, on every other read as before, and on D itself if the VJP is
  // smooth in D; through a mask (piecewise), only on D (zeros connected to it). Such nodes are
  // `approximate`: a disagreement through them is not evidence (connectivity.cpp).
  std::vector<std::pair<std::size_t, NodeId>> gradient_gradients(TapeState& t, NodeId e, NodeId up) {
    const std::vector<NodeId> reads = nodes_[e].inputs;
    const std::vector<Dependence> how = nodes_[e].how;
    std::vector<std::size_t> wanted;
    for (std::size_t k = 0; k < reads.size(); ++k)
      if (is_floating(nodes_[reads[k]].spec.dtype) && t.tracked.count(reads[k])) wanted.push_back(k);
    if (wanted.empty()) return {};
    std::vector<Tensor> leaves;
    for (NodeId r : reads) leaves.push_back(tensor_of(r));
    const std::vector<std::optional<Tensor>> values = gradient_along(tensor_of(e), tensor_of(up), leaves);
    std::vector<std::pair<std::size_t, NodeId>> out;
    for (std::size_t k : wanted) {
      std::vector<std::pair<NodeId, Dependence>> next;
      if (how[k] == Dependence::piecewise) {
        add_read(next, reads[k], Dependence::piecewise);
      } else {
        add_read(next, up, Dependence::linear);
        for (std::size_t i = 0; i < reads.size(); ++i)
          if (i != k) add_read(next, reads[i], how[i]);
        if (how[k] == Dependence::smooth) add_read(next, reads[k], Dependence::smooth);
      }
      const Node& r = nodes_[reads[k]];
      const Tensor value = values[k] ? *values[k] : Tensor::zeros(r.spec.shape, r.spec.dtype);
      out.emplace_back(k, add_gradient_node(e, static_cast<int>(k), next, value, true));
    }
    return out;
  }

  // d<root, upstream>/d leaf for each leaf, along root's provenance — the engine ops a VJP ran —
  // with their VJPs (values only), not past the leaves. nullopt for a leaf it does not reach.
  static std::vector<std::optional<Tensor>> gradient_along(const Tensor& root, const Tensor& upstream,
                                                           const std::vector<Tensor>& leaves) {
    using Impl = std::shared_ptr<const TensorImpl>;
    std::unordered_set<const TensorImpl*> leaf;
    for (const Tensor& l : leaves) leaf.insert(l.impl());
    // The values between root and the leaves, newest first (ids grow along provenance).
    std::vector<Impl> order;
    std::unordered_set<const TensorImpl*> seen{root.impl()};
    std::vector<Impl> stack{root.impl_ptr()};
    while (!stack.empty()) {
      Impl n = std::move(stack.back());
      stack.pop_back();
      order.push_back(n);
      if (leaf.count(n.get())) continue;
      for (const Tensor& in : n->inputs)
        if (seen.insert(in.impl()).second) stack.push_back(in.impl_ptr());
    }
    std::sort(order.begin(), order.end(), [](const Impl& a, const Impl& b) { return a->id > b->id; });
    std::unordered_map<const TensorImpl*, Tensor> grads{{root.impl(), upstream}};
    for (const Impl& n : order) {
      auto g = grads.find(n.get());
      if (g == grads.end() || leaf.count(n.get()) || !n->op || !n->op->vjp) continue;
      const int k = static_cast<int>(n->inputs.size());
      static const OpAttrs kNoAttrs;
      std::vector<std::optional<Tensor>> gin(static_cast<std::size_t>(k));
      const Tensor output(n);
      const Tensor up = g->second;
      n->op->vjp({n->attrs ? *n->attrs : kNoAttrs, n->inputs.data(), k, output, up}, gin.data());
      for (int j = 0; j < k; ++j) {
        const Tensor& in = n->inputs[static_cast<std::size_t>(j)];
        if (!gin[j] || !n->op->input(j).differentiable() || !is_floating(in.dtype())) continue;
        auto [slot, fresh] = grads.try_emplace(in.impl(), *gin[j]);
        if (!fresh) slot->second = add(slot->second, *gin[j]);
      }
    }
    std::vector<std::optional<Tensor>> out;
    for (const Tensor& l : leaves) {
      auto it = grads.find(l.impl());
      out.push_back(it == grads.end() ? std::nullopt : std::optional<Tensor>(it->second));
    }
    return out;
  }

  // d target / d node for every node the backward pass of tape `t` reaches: the sum over the
  // tape's recorded ops newest first, through gradient-passing floating edges into tracked
  // values (R6, R8). `approximate` is set if the pass differentiated a gradient of a gradient.
  std::unordered_map<NodeId, NodeId> backward(TapeState& t, NodeId target, std::optional<NodeId> output_gradients,
                                              bool& approximate) {
    std::unordered_map<NodeId, NodeId> grads;
    if (!is_floating(nodes_[target].spec.dtype) || !t.tracked.count(target)) return grads;
    grads[target] = output_gradients ? *output_gradients : add_constant(nodes_[target].spec, 1.0);
    for (std::size_t r = t.recorded.size(); r-- > 0;) {
      const NodeId e = t.recorded[r];
      if (e > target) continue;
      auto g = grads.find(e);
      if (g == grads.end()) continue;
      const NodeId up = g->second;
      const bool of_gradient = nodes_[e].kind == Node::Kind::gradient;
      approximate = approximate || (of_gradient && nodes_[e].approximate);
      const std::vector<std::pair<std::size_t, NodeId>> made =
          of_gradient ? gradient_gradients(t, e, up) : op_gradients(t, e, up);
      for (const auto& [j, c] : made) {
        const NodeId in = nodes_[e].inputs[j];
        auto [slot, fresh] = grads.try_emplace(in, c);
        if (!fresh) slot->second = add_op_node(op_add, {slot->second, c}, add(tensor_of(slot->second), tensor_of(c)));
      }
    }
    return grads;
  }

  void explain(std::size_t ti, NodeId target, NodeId source, SourcePrediction& p) const {
    explain_none(nodes_, tapes_[ti], ti, target, source, p);
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
  // cond predicates and loop conditions at every execution, including every iteration. Each
  // result is rounded to its dtype, as the engine stores it: the evaluator keeps floating
  // values in full double precision (what the numerical oracles difference), and an f32 value
  // the engine rounds to exactly 0 — reduce_std(c) + k with k put on elu's kink by an edge
  // input, then det of it, whose VJP raises at a singular matrix (soak graph 367928) — was
  // nonzero here, so the engine's error was taken for one the graph does not raise.
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
    for (double& v : n.value) v = round_to_dtype(v, n.spec.dtype);
    n.op = &get_op(s.op);
    n.attrs = s.attrs;
    n.inputs = std::move(operands);
    if (!n.inputs.empty() &&
        profile_.returns_operand(*n.op, n.inputs.size(), nodes_[n.inputs[0]].spec.dtype, n.spec.dtype))
      return define(s.result, n.inputs[0]);  // the operand itself: no new node
    if (n.op->leaves_graph) {  // a new constant with no history (host round trip): no edges
      n.kind = Node::Kind::constant;
      n.op = nullptr;
      n.copied_from = std::move(n.inputs);
      n.inputs.clear();
    }
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
    graph::expect_cond_yields(c.results.size(), c.then_yield.size(), c.else_yield.size());
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
    graph::expect_loop_arity(w.init.size(), w.params.size(), w.body_yield.size());
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
    if (t.used && !t.decl->persistent && profile_.second_gradient == eut::SecondGradient::raises_if_freed) {
      // Whether this call raises depends on what the first one freed: from here on the run
      // may stop with a tape error.
      if (!out_.may_stop_from) out_.may_stop_from = static_cast<int>(out_.gradients.size());
    } else if (t.used && !t.decl->persistent) {
      throw TapeError("gradient() called a second time on the non-persistent tape '" +
                      eut::bare_name(t.decl->name) + "' (R9: make it persistent)");
    }
    t.used = true;
    if (og && nodes_[*og].spec.shape != nodes_[target].spec.shape)
      throw ShapeError("gradient(): output_gradients shape " + nodes_[*og].spec.shape.str() +
                       " differs from the target shape " + nodes_[target].spec.shape.str());
    // A tape does not record its own backward pass; other recording tapes do (R10). With one
    // graph, a backward pass run in grad mode is recorded (create_graph) for every tape.
    const bool self_pause = t.recording && !one_graph();
    if (self_pause) ++t.paused;
    struct Resume {
      TapeState& t;
      bool on;
      ~Resume() {
        if (on) --t.paused;
      }
    } resume{t, self_pause};

    bool approximate = false;
    const std::unordered_map<NodeId, NodeId> grads = backward(t, target, og, approximate);
    GradientPrediction p;
    p.approximate = approximate;
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

  // An optimizer step reads its gradients, None ones included (that is its point), and does
  // not read its variables in the R2 sense: it runs outside every tape. The update does not
  // change which tapes watch a variable, so the model keeps the variable's node; its value is
  // the one before the step (statements after a step that branch on an updated variable are
  // not modelled).
  void exec_node(const graph::ApplyGradients& a, const graph::Statement& stmt) {
    if (shadow_) throw Error("apply_gradients in an untaken branch does not run");
    if (a.gradients.size() != a.variables.size())
      throw Error("apply_gradients: " + std::to_string(a.gradients.size()) + " gradients for " +
                  std::to_string(a.variables.size()) + " variables");
    StepPrediction step;
    step.after_gradient = static_cast<int>(out_.gradients.size()) - 1;
    step.loc = stmt.loc;
    step.learning_rate = a.learning_rate;
    bool all_none = !a.gradients.empty();
    for (std::size_t k = 0; k < a.gradients.size(); ++k) {
      const Binding& g = binding(a.gradients[k]);
      const Binding& v = binding(a.variables[k]);
      if (!v.variable) throw Error(a.variables[k] + " is not a variable");
      step.variables.push_back({a.variables[k], a.gradients[k], g.none, g.none ? g.why : std::string()});
      all_none = all_none && g.none;
    }
    step.raises = all_none;
    out_.steps.push_back(step);
    if (!all_none) return;
    std::string message = "No gradients provided for any variable:";
    for (const StepPrediction::Variable& v : step.variables)
      message += "\n  '" + eut::bare_name(v.name) + "': " + v.why;
    throw NoGradientsError(message);
  }

  const graph::Graph& g_;
  const eut::SemanticsProfile& profile_;
  ConnectivityPrediction& out_;
  std::deque<Node> nodes_;
  std::vector<TapeState> tapes_;
  std::map<std::string, std::size_t> tape_index_;
  std::vector<std::map<std::string, Binding>> scopes_;
  int shadow_ = 0;
  std::optional<graph::Location> error_at_;
};

}  // namespace

ConnectivityPrediction predict_connectivity(const graph::Graph& g, const eut::InputValues& inputs,
                                            const eut::SemanticsProfile& profile) {
  ConnectivityPrediction out;
  Model(g, profile, out).run(inputs);
  return out;
}

}  // namespace tc::oracles
