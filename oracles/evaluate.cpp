#include "oracles/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <type_traits>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/walk.hpp"

namespace tc::oracles {

namespace {

std::string bare(const std::string& name) {
  return !name.empty() && name[0] == '%' ? name.substr(1) : name;
}

std::string spec_str(const TensorSpec& s) { return std::string(dtype_name(s.dtype)) + s.shape.str(); }

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// A statement as a reader finds it in the graph: "%y = matmul", "%a, %b = cond".
std::string describe(const graph::Statement& s) {
  struct {
    std::string operator()(const graph::OpStmt& o) { return o.result + " = " + o.op; }
    std::string operator()(const graph::Record& r) { return "record " + r.tape; }
    std::string operator()(const graph::StopRecording& r) { return r.tape + ".stop_recording"; }
    std::string operator()(const graph::Watch& w) { return w.tape + ".watch"; }
    std::string operator()(const graph::Cond& c) { return join(c.results) + " = cond"; }
    std::string operator()(const graph::While& w) { return join(w.results) + " = while_loop"; }
    std::string operator()(const graph::Gradient& g) { return join(g.results) + " = gradient"; }
    std::string operator()(const graph::ApplyGradients& a) { return "apply_gradients to " + join(a.variables); }
  } visit;
  return std::visit(visit, s.node);
}

// Rethrows `e` as the same tc error type with a new message.
[[noreturn]] void rethrow_as(const Error& e, const std::string& message) {
  if (dynamic_cast<const ShapeError*>(&e)) throw ShapeError(message);
  if (dynamic_cast<const DTypeError*>(&e)) throw DTypeError(message);
  if (dynamic_cast<const TapeError*>(&e)) throw TapeError(message);
  if (dynamic_cast<const LimitError*>(&e)) throw LimitError(message);
  if (dynamic_cast<const NoGradientsError*>(&e)) throw NoGradientsError(message);
  throw Error(message);
}

// Values of non-floating dtypes are whole numbers (or 0/1) with no tangent or imaginary part,
// exactly as the engine stores them; floating values stay in full double precision.
template <class S>
void round_non_floating(std::vector<S>& v, DType d) {
  if (is_floating(d)) return;
  for (S& x : v) x = S(round_to_dtype(real_part(x), d));
}


// --- the compiled program ------------------------------------------------------------------

// A statement with its names resolved to slots. Record and stop_recording become plain
// blocks; watch keeps only its names (they must be defined).
struct Node {
  enum class Kind : std::uint8_t { op, block, watch, cond, while_loop, gradient, step };
  Kind kind;
  const graph::Statement* src;
  const graph::OpStmt* op_stmt = nullptr;
  const OpDef* op = nullptr;  // null: unknown op, raised (by get_op) only if reached
  int result = -1;
  std::vector<int> operands;   // op operands; watched values; while init
  int pred = -1;               // cond predicate; while cond_yield
  std::vector<int> results;    // cond / while results
  std::vector<int> yields;     // cond then_yield; while body_yield
  std::vector<int> else_yields;
  std::vector<int> params;     // while
  std::vector<Node> body;      // block body; cond then; while body
  std::vector<Node> else_body;
  std::vector<Node> cond_body;
  std::int64_t cap = 0;
  int control = -1;            // cond / while: its index in Impl::outcome
};

struct Program {
  std::vector<std::string> names;  // by slot
  std::unordered_map<std::string, int> slots;
  std::vector<int> input_slots;    // in the order of g.inputs
  std::vector<const graph::Input*> inputs;
  std::vector<Node> body;
  std::vector<const graph::Statement*> controls;  // cond and while statements, by Node::control

  int slot(const std::string& name) {
    auto [it, fresh] = slots.try_emplace(name, static_cast<int>(names.size()));
    if (fresh) names.push_back(name);
    return it->second;
  }
  std::vector<int> slots_of(const std::vector<std::string>& ns) {
    std::vector<int> out;
    out.reserve(ns.size());
    for (const std::string& n : ns) out.push_back(slot(n));
    return out;
  }

  std::vector<Node> compile(const graph::Block& block) {
    std::vector<Node> out;
    out.reserve(block.size());
    for (const graph::Statement& s : block) out.push_back(compile(s));
    return out;
  }

  Node compile(const graph::Statement& s) {
    Node n{Node::Kind::op, &s};
    std::visit([&](const auto& x) { fill(n, x); }, s.node);
    return n;
  }

  void fill(Node& n, const graph::OpStmt& o) {
    n.kind = Node::Kind::op;
    n.op_stmt = &o;
    n.op = find_op(o.op);
    n.operands = slots_of(o.operands);
    n.result = slot(o.result);
  }
  void fill(Node& n, const graph::Record& r) {
    n.kind = Node::Kind::block;
    n.body = compile(r.body);
  }
  void fill(Node& n, const graph::StopRecording& r) {
    n.kind = Node::Kind::block;
    n.body = compile(r.body);
  }
  void fill(Node& n, const graph::Watch& w) {
    n.kind = Node::Kind::watch;
    n.operands = slots_of(w.values);
  }
  void fill(Node& n, const graph::Cond& c) {
    n.kind = Node::Kind::cond;
    n.control = static_cast<int>(controls.size());
    controls.push_back(n.src);
    n.pred = slot(c.pred);
    n.body = compile(c.then_body);
    n.yields = slots_of(c.then_yield);
    n.else_body = compile(c.else_body);
    n.else_yields = slots_of(c.else_yield);
    n.results = slots_of(c.results);
  }
  void fill(Node& n, const graph::While& w) {
    n.kind = Node::Kind::while_loop;
    n.control = static_cast<int>(controls.size());
    controls.push_back(n.src);
    n.operands = slots_of(w.init);
    n.params = slots_of(w.params);
    n.cond_body = compile(w.cond_body);
    n.pred = slot(w.cond_yield);
    n.body = compile(w.body);
    n.yields = slots_of(w.body_yield);
    n.results = slots_of(w.results);
    n.cap = graph::loop_cap(w);
  }
  void fill(Node& n, const graph::Gradient& g) {
    n.kind = Node::Kind::gradient;
    n.results = slots_of(g.results);
  }
  void fill(Node& n, const graph::ApplyGradients&) { n.kind = Node::Kind::step; }
};

}  // namespace

// --- running it ------------------------------------------------------------------------------

template <class S>
struct Evaluator<S>::Impl {
  Program program;
  std::vector<std::vector<S>> inputs;
  // Per slot: the value, its spec, and the run that defined it (== run_id: defined now).
  std::vector<std::vector<S>> values;
  std::vector<TensorSpec> specs;
  std::vector<std::uint32_t> defined_in;
  // Per slot: which tensor it holds. An op or an input makes a new tensor; a cond result or a
  // loop variable is the very tensor it was given (as in the engine).
  std::vector<std::uint64_t> tensor;
  std::uint64_t next_tensor = 0;
  // Per cond / while (Node::control): the run that last executed it, and its outcome then.
  std::vector<std::uint32_t> control_run;
  std::vector<std::int64_t> outcome;
  std::uint32_t run_id = 0;
  Branches branches;
  std::vector<const OpDef*> branch_ops;  // one per side of `branches`
  std::vector<const std::string*> branch_values;  // one per side: the op's result, a cond's predicate
  Branches* record = nullptr;
  std::optional<graph::Location> stopped_at;
  const graph::Gradient* stopped_by = nullptr;
  // Set at the first Gradient statement: every enclosing block returns at once. A flag, not an
  // exception: every finite-difference run stops there, and unwinding was a fifth of a run.
  bool stopping = false;
  const graph::Statement* error_stmt = nullptr;
  const GradientValues* given = nullptr;  // set: go on past Gradient statements
  // Scratch, reused across ops and iterations.
  std::vector<TensorSpec> op_specs;
  std::vector<In<S>> op_ins;
  std::vector<S> aliased;
  std::vector<std::vector<S>> carried;
  std::vector<TensorSpec> carried_specs;
  std::vector<std::uint64_t> carried_tensors;
  OpTrace* trace = nullptr;  // double only: records every op application (and input)

  explicit Impl(const graph::Graph& g) {
    for (const graph::Input& in : g.inputs) {
      program.input_slots.push_back(program.slot(in.name));
      program.inputs.push_back(&in);
    }
    program.body = program.compile(g.body);
    const std::size_t n = program.names.size();
    values.resize(n);
    specs.resize(n);
    defined_in.assign(n, 0);
    tensor.assign(n, 0);
    control_run.assign(program.controls.size(), 0);
    outcome.assign(program.controls.size(), 0);
    inputs.resize(g.inputs.size());
  }

  bool is_defined(int s) const {
    return run_id != 0 && defined_in[static_cast<std::size_t>(s)] == run_id;  // 0: never ran
  }
  void require(int s) const {
    if (!is_defined(s)) throw Error(program.names[static_cast<std::size_t>(s)] + " is not defined");
  }
  void mark(int s, const TensorSpec& spec, std::uint64_t t) {
    specs[static_cast<std::size_t>(s)] = spec;
    defined_in[static_cast<std::size_t>(s)] = run_id;
    tensor[static_cast<std::size_t>(s)] = t;
  }
  // values[to] = values[from], keeping to's capacity.
  void copy(int to, int from) {
    require(from);
    if (to != from) values[static_cast<std::size_t>(to)] = values[static_cast<std::size_t>(from)];
    mark(to, specs[static_cast<std::size_t>(from)], tensor[static_cast<std::size_t>(from)]);
  }

  // The results of a Gradient statement, from `given` (run with GradientValues).
  void define_given(const Node& n) {
    const auto& names = std::get<graph::Gradient>(n.src->node).results;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto v = given->values.find(names[i]);
      const auto spec = given->specs.find(names[i]);
      if (v == given->values.end() || spec == given->specs.end()) continue;  // None
      const int s = n.results[i];
      std::vector<S>& out = values[static_cast<std::size_t>(s)];
      out.assign(v->second.begin(), v->second.end());
      mark(s, spec->second, ++next_tensor);
      record_tensor(s);
    }
  }

  void run(bool record_branches) {
    if (++run_id == 0) {  // wrapped: forget every old definition
      std::fill(defined_in.begin(), defined_in.end(), 0);
      std::fill(control_run.begin(), control_run.end(), 0);
      run_id = 1;
    }
    branches.sides.clear();
    branch_ops.clear();
    branch_values.clear();
    record = record_branches ? &branches : nullptr;
    stopped_at.reset();
    stopped_by = nullptr;
    stopping = false;
    error_stmt = nullptr;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const graph::Input& in = *program.inputs[i];
      if (static_cast<std::int64_t>(inputs[i].size()) != in.shape.numel())
        throw Error("evaluate: input '" + bare(in.name) + "': " + std::to_string(inputs[i].size()) +
                    " values for shape " + in.shape.str() + " (" + std::to_string(in.shape.numel()) +
                    " elements)");
      round_non_floating(inputs[i], in.dtype);
      const int s = program.input_slots[i];
      values[static_cast<std::size_t>(s)] = inputs[i];
      mark(s, {in.dtype, in.shape}, ++next_tensor);
      record_tensor(s);
    }
    try {
      run_block(program.body);
    } catch (const Error& e) {
      std::string where = "evaluate";
      if (const graph::Statement* s = error_stmt)
        where = s->loc.line ? "line " + std::to_string(s->loc.line) + ", column " +
                                  std::to_string(s->loc.column) + " (" + describe(*s) + ")"
                            : "(" + describe(*s) + ")";
      rethrow_as(e, where + ": " + e.what());
    }
  }

  void run_block(const std::vector<Node>& block) {
    for (const Node& n : block) {
      exec(n);
      if (stopping) return;
    }
  }

  void exec(const Node& n) {
    try {
      switch (n.kind) {
        case Node::Kind::op: return exec_op(n);
        case Node::Kind::block: return run_block(n.body);
        case Node::Kind::watch:
          for (int s : n.operands) require(s);
          return;
        case Node::Kind::cond: return exec_cond(n);
        case Node::Kind::while_loop: return exec_while(n);
        case Node::Kind::gradient:
          if (given) return define_given(n);
          stopped_at = n.src->loc;
          stopped_by = &std::get<graph::Gradient>(n.src->node);
          stopping = true;
          return;
        case Node::Kind::step:
          // Its gradients come from a gradient() evaluation stops at, so only a graph whose
          // gradient statements were dropped (an objective's) gets here: a caller's error.
          throw Error("apply_gradients: the forward evaluator does not run optimizer steps (the values "
                      "after one depend on gradients)");
      }
    } catch (const Error&) {
      if (!error_stmt || (error_stmt->loc.line == 0 && n.src->loc.line != 0)) error_stmt = n.src;
      throw;
    }
  }

  void exec_op(const Node& node) {
    const OpDef& op = node.op ? *node.op : get_op(node.op_stmt->op);
    const int n = static_cast<int>(node.operands.size());
    if (op.arity >= 0 && n != op.arity)
      throw ShapeError(std::string(op.name) + ": expects " + std::to_string(op.arity) +
                       " inputs, got " + std::to_string(n));
    if (n < 1 && op.arity < 0) throw ShapeError(std::string(op.name) + ": expects at least one input");
    op_specs.resize(static_cast<std::size_t>(n));
    op_ins.resize(static_cast<std::size_t>(n));
    bool aliasing = false;
    for (int i = 0; i < n; ++i) {
      const int s = node.operands[static_cast<std::size_t>(i)];
      require(s);
      // Both copies from the slot's spec: reading op_specs[i] back right after writing it
      // stalled on store forwarding (a third of this function's time).
      const TensorSpec& spec = specs[static_cast<std::size_t>(s)];
      op_specs[i] = spec;
      op_ins[i].data = values[static_cast<std::size_t>(s)].data();
      op_ins[i].spec = spec;
      aliasing = aliasing || s == node.result;
    }
    const OpAttrs& attrs = node.op_stmt->attrs;
    const TensorSpec out_spec = op.infer(attrs, op_specs.data(), n);
    check_element_cap(out_spec.shape, op.name);
    const ForwardFn<S> forward = op.template forward<S>();
    if (!forward) throw Error(std::string(op.name) + ": no kernel for this scalar type");
    // Kernels may accumulate into their output: it starts zeroed, as in apply_op.
    std::vector<S>& out = aliasing ? aliased : values[static_cast<std::size_t>(node.result)];
    out.assign(static_cast<std::size_t>(out_spec.shape.numel()), S{});
    forward(attrs, op_ins.data(), n, {out.data(), out_spec}, record);
    if (record) {
      branch_ops.resize(branches.sides.size(), &op);
      branch_values.resize(branches.sides.size(), &node.op_stmt->result);
    }
    round_non_floating(out, out_spec.dtype);
    if (aliasing) std::swap(out, values[static_cast<std::size_t>(node.result)]);
    if (trace) {
      OpTrace::Application a{&op, &attrs, {}, next_tensor + 1, &node.op_stmt->result};
      for (int s : node.operands) a.operands.push_back(tensor[static_cast<std::size_t>(s)]);
      trace->applications.push_back(std::move(a));
    }
    mark(node.result, out_spec, ++next_tensor);
    record_tensor(node.result);
  }

  void record_tensor(int s) {
    if constexpr (std::is_same_v<S, double>) {
      if (!trace) return;
      const std::uint64_t t = tensor[static_cast<std::size_t>(s)];
      trace->values[t] = values[static_cast<std::size_t>(s)];
      trace->specs[t] = specs[static_cast<std::size_t>(s)];
    }
  }

  void exec_cond(const Node& c) {
    graph::expect_cond_yields(c.results.size(), c.yields.size(), c.else_yields.size());
    require(c.pred);
    const TensorSpec& ps = specs[static_cast<std::size_t>(c.pred)];
    if (ps.shape.numel() != 1 || ps.dtype != DType::boolean)
      throw DTypeError("cond: the predicate must be a scalar bool tensor, got " + spec_str(ps));
    const bool then_taken = real_part(values[static_cast<std::size_t>(c.pred)][0]) != 0.0;
    if (record) {
      record->add(then_taken ? 1 : 0);
      branch_ops.push_back(nullptr);
      branch_values.push_back(&program.names[static_cast<std::size_t>(c.pred)]);
    }
    control_run[static_cast<std::size_t>(c.control)] = run_id;
    outcome[static_cast<std::size_t>(c.control)] = then_taken;
    run_block(then_taken ? c.body : c.else_body);
    if (stopping) return;
    const std::vector<int>& yields = then_taken ? c.yields : c.else_yields;
    carry(yields, c.results);
  }

  // to[k] = from[k] for all k at once (a yield may name another target).
  void carry(const std::vector<int>& from, const std::vector<int>& to) {
    if (carried.size() < from.size()) carried.resize(from.size());
    carried_specs.resize(from.size());
    carried_tensors.resize(from.size());
    for (std::size_t k = 0; k < from.size(); ++k) {
      require(from[k]);
      carried[k] = values[static_cast<std::size_t>(from[k])];
      carried_specs[k] = specs[static_cast<std::size_t>(from[k])];
      carried_tensors[k] = tensor[static_cast<std::size_t>(from[k])];
    }
    for (std::size_t k = 0; k < from.size() && k < to.size(); ++k) {
      std::swap(values[static_cast<std::size_t>(to[k])], carried[k]);
      mark(to[k], carried_specs[k], carried_tensors[k]);
    }
  }

  void exec_while(const Node& w) {
    const std::size_t n = w.operands.size();
    graph::expect_loop_arity(n, w.params.size(), w.yields.size());
    std::vector<TensorSpec> var_specs(n);
    for (std::size_t k = 0; k < n; ++k) {
      require(w.operands[k]);
      var_specs[k] = specs[static_cast<std::size_t>(w.operands[k])];
    }
    carry(w.operands, w.params);  // the parameters hold the loop variables
    std::int64_t i = 0;
    for (;; ++i) {
      run_block(w.cond_body);
      if (stopping) return;
      require(w.pred);
      const TensorSpec& cs = specs[static_cast<std::size_t>(w.pred)];
      if (cs.shape.numel() != 1 || cs.dtype != DType::boolean)
        throw DTypeError("while_loop: the condition must return a scalar bool tensor");
      if (real_part(values[static_cast<std::size_t>(w.pred)][0]) == 0.0) break;
      if (i >= w.cap) throw LimitError("while_loop: more than " + std::to_string(w.cap) + " iterations");
      run_block(w.body);
      if (stopping) return;
      for (std::size_t k = 0; k < n; ++k) {
        require(w.yields[k]);
        const TensorSpec& ns = specs[static_cast<std::size_t>(w.yields[k])];
        if (ns.shape != var_specs[k].shape || ns.dtype != var_specs[k].dtype)
          throw ShapeError("while_loop: loop variable " + std::to_string(k) + " changed from " +
                           spec_str(var_specs[k]) + " to " + spec_str(ns));
      }
      carry(w.yields, w.params);
    }
    if (record) {
      record->add(static_cast<std::int32_t>(i));
      branch_ops.push_back(nullptr);
      branch_values.push_back(nullptr);
    }
    control_run[static_cast<std::size_t>(w.control)] = run_id;
    outcome[static_cast<std::size_t>(w.control)] = i;
    for (std::size_t k = 0; k < w.results.size() && k < n; ++k) copy(w.results[k], w.params[k]);
  }
};

template <class S>
Evaluator<S>::Evaluator(const graph::Graph& g) : impl_(std::make_unique<Impl>(g)) {}
template <class S>
Evaluator<S>::~Evaluator() = default;
template <class S>
Evaluator<S>::Evaluator(Evaluator&&) noexcept = default;
template <class S>
Evaluator<S>& Evaluator<S>::operator=(Evaluator&&) noexcept = default;

template <class S>
std::vector<S>& Evaluator<S>::input(std::size_t i) {
  return impl_->inputs.at(i);
}
template <class S>
std::size_t Evaluator<S>::input_count() const {
  return impl_->inputs.size();
}
template <class S>
void Evaluator<S>::run(bool record_branches) {
  impl_->given = nullptr;
  impl_->run(record_branches);
}
template <class S>
void Evaluator<S>::run(bool record_branches, const GradientValues& gradients) {
  impl_->given = &gradients;
  try {
    impl_->run(record_branches);
  } catch (...) {
    impl_->given = nullptr;
    throw;
  }
  impl_->given = nullptr;
}
template <class S>
int Evaluator<S>::slot(const std::string& name) const {
  auto it = impl_->program.slots.find(name);
  return it == impl_->program.slots.end() ? -1 : it->second;
}
namespace {
double magnitude_part(double x) { return std::abs(x); }
double magnitude_part(const c128& x) { return std::abs(x.imag()); }
double magnitude_part(const Dual& x) { return std::abs(x.d); }
double magnitude_part(const TermsDual& x) { return x.d; }
}  // namespace

template <class S>
double Evaluator<S>::largest_result() const {
  return largest_part(false);
}

template <class S>
double Evaluator<S>::largest_part(bool with_inputs) const {
  const Impl& m = *impl_;
  std::vector<bool> is_input(m.values.size(), false);
  if (!with_inputs)
    for (int s : m.program.input_slots) is_input[static_cast<std::size_t>(s)] = true;
  double largest = 0;
  for (std::size_t s = 0; s < m.values.size(); ++s) {
    if (is_input[s] || !m.is_defined(static_cast<int>(s)) || !is_floating(m.specs[s].dtype)) continue;
    for (const S& x : m.values[s]) largest = std::max(largest, magnitude_part(x));
  }
  return largest;
}

template <class S>
bool Evaluator<S>::defined(int slot) const {
  return slot >= 0 && static_cast<std::size_t>(slot) < impl_->values.size() && impl_->is_defined(slot);
}
template <class S>
const std::vector<S>& Evaluator<S>::value(int slot) const {
  return impl_->values.at(static_cast<std::size_t>(slot));
}
template <class S>
const TensorSpec& Evaluator<S>::spec(int slot) const {
  return impl_->specs.at(static_cast<std::size_t>(slot));
}
template <class S>
const Branches& Evaluator<S>::branches() const {
  return impl_->branches;
}
template <class S>
const std::vector<const OpDef*>& Evaluator<S>::branch_ops() const {
  return impl_->branch_ops;
}

template <class S>
const std::vector<const std::string*>& Evaluator<S>::branch_values() const {
  return impl_->branch_values;
}
template <class S>
const std::optional<graph::Location>& Evaluator<S>::stopped_at() const {
  return impl_->stopped_at;
}
template <class S>
const graph::Gradient* Evaluator<S>::stopped_by() const {
  return impl_->stopped_by;
}

template <class S>
Evaluation<S> Evaluator<S>::evaluation() const {
  Evaluation<S> out;
  const Impl& m = *impl_;
  for (std::size_t s = 0; s < m.values.size(); ++s) {
    if (!m.is_defined(static_cast<int>(s))) continue;
    out.values.emplace(m.program.names[s], m.values[s]);
    out.specs.emplace(m.program.names[s], m.specs[s]);
    out.tensors.emplace(m.program.names[s], m.tensor[s]);
  }
  for (std::size_t c = 0; c < m.program.controls.size(); ++c) {
    if (m.run_id == 0 || m.control_run[c] != m.run_id) continue;
    const graph::Statement* s = m.program.controls[c];
    if (const auto* w = std::get_if<graph::While>(&s->node))
      out.trips.emplace(w, m.outcome[c]);
    else if (const auto* k = std::get_if<graph::Cond>(&s->node))
      out.then_taken.emplace(k, m.outcome[c] != 0);
  }
  out.branches = m.branches;
  out.stopped_at = m.stopped_at;
  out.stopped_by = m.stopped_by;
  return out;
}

namespace {
// Fills every input of `ev` from `inputs` by name (a name given with or without its '%').
template <class S>
void fill_inputs(Evaluator<S>& ev, const graph::Graph& g, const std::map<std::string, std::vector<S>>& inputs) {
  for (std::size_t i = 0; i < g.inputs.size(); ++i) {
    const std::string& name = g.inputs[i].name;
    auto it = inputs.find(name);
    if (it == inputs.end())
      for (auto j = inputs.begin(); j != inputs.end() && it == inputs.end(); ++j)
        if (bare(j->first) == bare(name)) it = j;
    if (it == inputs.end()) throw Error("evaluate: no value given for input '" + bare(name) + "'");
    ev.input(i) = it->second;
  }
}
}  // namespace

template <class S>
Evaluation<S> evaluate(const graph::Graph& g, const std::map<std::string, std::vector<S>>& inputs,
                       bool record_branches) {
  Evaluator<S> ev(g);
  fill_inputs(ev, g, inputs);
  ev.run(record_branches);
  return ev.evaluation();
}

OpTrace trace(const graph::Graph& g, const std::map<std::string, std::vector<double>>& inputs,
              bool record_branches) {
  Evaluator<double> ev(g);
  fill_inputs(ev, g, inputs);
  OpTrace t;
  ev.impl_->trace = &t;
  ev.run(record_branches);
  ev.impl_->trace = nullptr;
  t.evaluation = ev.evaluation();
  return t;
}

template class Evaluator<double>;
template class Evaluator<c128>;
template class Evaluator<Dual>;
template class Evaluator<TermsDual>;

template Evaluation<double> evaluate(const graph::Graph&,
                                     const std::map<std::string, std::vector<double>>&, bool);
template Evaluation<c128> evaluate(const graph::Graph&,
                                   const std::map<std::string, std::vector<c128>>&, bool);
template Evaluation<Dual> evaluate(const graph::Graph&,
                                   const std::map<std::string, std::vector<Dual>>&, bool);
template Evaluation<TermsDual> evaluate(const graph::Graph&,
                                        const std::map<std::string, std::vector<TermsDual>>&, bool);

}  // namespace tc::oracles
