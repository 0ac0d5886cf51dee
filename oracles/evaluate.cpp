#include "oracles/evaluate.hpp"

#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/ops/op_table.hpp"

namespace tc::oracles {

namespace {

std::string bare(const std::string& name) {
  return !name.empty() && name[0] == '%' ? name.substr(1) : name;
}

// The engine caps loops at limits::kMaxLoopIterations; a graph may ask for fewer.
std::int64_t loop_cap(std::int64_t max_iterations) {
  return max_iterations < 0 || max_iterations > limits::kMaxLoopIterations
             ? limits::kMaxLoopIterations
             : max_iterations;
}

std::string spec_str(const TensorSpec& s) { return std::string(dtype_name(s.dtype)) + s.shape.str(); }

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// A statement as a reader finds it in the graph: "%y = matmul", "cond -> %a, %b".
std::string describe(const graph::Statement& s) {
  struct {
    std::string operator()(const graph::OpStmt& o) { return o.result + " = " + o.op; }
    std::string operator()(const graph::Record& r) { return "record " + r.tape; }
    std::string operator()(const graph::StopRecording& r) { return r.tape + ".stop_recording"; }
    std::string operator()(const graph::Watch& w) { return w.tape + ".watch"; }
    std::string operator()(const graph::Cond& c) { return join(c.results) + " = cond"; }
    std::string operator()(const graph::While& w) { return join(w.results) + " = while_loop"; }
    std::string operator()(const graph::Gradient& g) { return join(g.results) + " = gradient"; }
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

// Thrown at the first Gradient statement; not a tc::Error.
struct Stop {};

template <class S>
class Evaluator {
 public:
  Evaluator(Evaluation<S>& out, bool record_branches)
      : out_(out), branches_(record_branches ? &out.branches : nullptr) {}

  void bind_inputs(const graph::Graph& g, const std::map<std::string, std::vector<S>>& inputs) {
    for (const graph::Input& in : g.inputs) {
      auto it = inputs.find(in.name);
      if (it == inputs.end())
        for (auto i = inputs.begin(); i != inputs.end() && it == inputs.end(); ++i)
          if (bare(i->first) == bare(in.name)) it = i;
      if (it == inputs.end()) throw Error("evaluate: no value given for input '" + bare(in.name) + "'");
      if (static_cast<std::int64_t>(it->second.size()) != in.shape.numel())
        throw Error("evaluate: input '" + bare(in.name) + "': " + std::to_string(it->second.size()) +
                    " values for shape " + in.shape.str() + " (" +
                    std::to_string(in.shape.numel()) + " elements)");
      std::vector<S> v = it->second;
      round_non_floating(v, in.dtype);
      define(in.name, {in.dtype, in.shape}, std::move(v));
    }
  }

  void run_block(const graph::Block& block) {
    for (const graph::Statement& s : block) exec(s);
  }

  const graph::Statement* error_statement() const { return error_stmt_; }

 private:
  void exec(const graph::Statement& s) {
    try {
      std::visit([&](const auto& node) { exec_node(node, s); }, s.node);
    } catch (const Error&) {
      if (!error_stmt_ || (error_stmt_->loc.line == 0 && s.loc.line != 0)) error_stmt_ = &s;
      throw;
    }
  }

  const std::vector<S>& value(const std::string& name) const {
    auto it = out_.values.find(name);
    if (it == out_.values.end()) throw Error(name + " is not defined");
    return it->second;
  }
  const TensorSpec& spec(const std::string& name) const { return out_.specs.at(name); }

  void define(const std::string& name, const TensorSpec& spec, std::vector<S> v) {
    out_.values[name] = std::move(v);
    out_.specs[name] = spec;
  }

  void exec_node(const graph::OpStmt& s, const graph::Statement&) {
    const OpDef& op = get_op(s.op);
    const int n = static_cast<int>(s.operands.size());
    if (op.arity >= 0 && n != op.arity)
      throw ShapeError(std::string(op.name) + ": expects " + std::to_string(op.arity) +
                       " inputs, got " + std::to_string(n));
    if (n < 1 && op.arity < 0) throw ShapeError(std::string(op.name) + ": expects at least one input");
    specs_.resize(static_cast<std::size_t>(n));
    ins_.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto it = out_.values.find(s.operands[i]);
      if (it == out_.values.end()) throw Error(s.operands[i] + " is not defined");
      specs_[i] = out_.specs.at(s.operands[i]);
      ins_[i] = {it->second.data(), specs_[i]};
    }
    const TensorSpec out_spec = op.infer(s.attrs, specs_.data(), n);
    check_element_cap(out_spec.shape, op.name);
    const ForwardFn<S> forward = op.template forward<S>();
    if (!forward) throw Error(std::string(op.name) + ": no kernel for this scalar type");
    std::vector<S> result(static_cast<std::size_t>(out_spec.shape.numel()));
    forward(s.attrs, ins_.data(), n, {result.data(), out_spec}, branches_);
    round_non_floating(result, out_spec.dtype);
    define(s.result, out_spec, std::move(result));
  }

  void exec_node(const graph::Record& r, const graph::Statement&) { run_block(r.body); }
  void exec_node(const graph::StopRecording& r, const graph::Statement&) { run_block(r.body); }
  void exec_node(const graph::Watch& w, const graph::Statement&) {
    for (const std::string& v : w.values) value(v);  // an undefined name is still an error
  }

  void exec_node(const graph::Cond& c, const graph::Statement&) {
    if (c.then_yield.size() != c.results.size() || c.else_yield.size() != c.results.size())
      throw Error("cond: " + std::to_string(c.results.size()) + " results but the branches yield " +
                  std::to_string(c.then_yield.size()) + " and " +
                  std::to_string(c.else_yield.size()) + " values");
    const std::vector<S>& pred = value(c.pred);
    const TensorSpec& ps = spec(c.pred);
    if (ps.shape.numel() != 1 || ps.dtype != DType::boolean)
      throw DTypeError("cond: the predicate must be a scalar bool tensor, got " + spec_str(ps));
    const bool then_taken = real_part(pred[0]) != 0.0;
    if (branches_) branches_->add(then_taken ? 1 : 0);
    run_block(then_taken ? c.then_body : c.else_body);
    const std::vector<std::string>& yields = then_taken ? c.then_yield : c.else_yield;
    for (std::size_t k = 0; k < yields.size(); ++k) {
      // Copy before defining: a result may be yielded twice.
      std::vector<S> v = value(yields[k]);
      define(c.results[k], spec(yields[k]), std::move(v));
    }
  }

  void exec_node(const graph::While& w, const graph::Statement&) {
    if (w.params.size() != w.init.size() || w.body_yield.size() != w.init.size())
      throw Error("while_loop: " + std::to_string(w.init.size()) + " initial values, " +
                  std::to_string(w.params.size()) + " parameters, the body yields " +
                  std::to_string(w.body_yield.size()));
    const std::size_t n = w.init.size();
    std::vector<std::vector<S>> vars(n);
    std::vector<TensorSpec> var_specs(n);
    for (std::size_t k = 0; k < n; ++k) {
      vars[k] = value(w.init[k]);
      var_specs[k] = spec(w.init[k]);
    }
    const std::int64_t cap = loop_cap(w.max_iterations);
    std::int64_t i = 0;
    for (;; ++i) {
      for (std::size_t k = 0; k < n; ++k) define(w.params[k], var_specs[k], vars[k]);
      run_block(w.cond_body);
      const TensorSpec& cs = spec(w.cond_yield);
      if (cs.shape.numel() != 1 || cs.dtype != DType::boolean)
        throw DTypeError("while_loop: the condition must return a scalar bool tensor");
      if (real_part(value(w.cond_yield)[0]) == 0.0) break;
      if (i >= cap) throw LimitError("while_loop: more than " + std::to_string(cap) + " iterations");
      run_block(w.body);
      for (std::size_t k = 0; k < n; ++k) {
        const TensorSpec& ns = spec(w.body_yield[k]);
        if (ns.shape != var_specs[k].shape || ns.dtype != var_specs[k].dtype)
          throw ShapeError("while_loop: loop variable " + std::to_string(k) + " changed from " +
                           spec_str(var_specs[k]) + " to " + spec_str(ns));
      }
      for (std::size_t k = 0; k < n; ++k) vars[k] = value(w.body_yield[k]);
    }
    if (branches_) branches_->add(static_cast<std::int32_t>(i));
    for (std::size_t k = 0; k < w.results.size() && k < n; ++k)
      define(w.results[k], var_specs[k], std::move(vars[k]));
  }

  void exec_node(const graph::Gradient& g, const graph::Statement& s) {
    out_.stopped_at = s.loc;
    out_.stopped_by = &g;
    throw Stop{};
  }

  Evaluation<S>& out_;
  Branches* branches_;
  const graph::Statement* error_stmt_ = nullptr;
  std::vector<TensorSpec> specs_;  // scratch for one op's operands
  std::vector<In<S>> ins_;
};

}  // namespace

template <class S>
Evaluation<S> evaluate(const graph::Graph& g, const std::map<std::string, std::vector<S>>& inputs,
                       bool record_branches) {
  Evaluation<S> out;
  Evaluator<S> ev(out, record_branches);
  ev.bind_inputs(g, inputs);
  try {
    ev.run_block(g.body);
  } catch (const Stop&) {
  } catch (const Error& e) {
    const graph::Statement* s = ev.error_statement();
    std::string where = "evaluate";
    if (s) {
      where = s->loc.line ? "line " + std::to_string(s->loc.line) + ", column " +
                                std::to_string(s->loc.column) + " (" + describe(*s) + ")"
                          : "(" + describe(*s) + ")";
    }
    rethrow_as(e, where + ": " + e.what());
  }
  return out;
}

template Evaluation<double> evaluate(const graph::Graph&,
                                     const std::map<std::string, std::vector<double>>&, bool);
template Evaluation<c128> evaluate(const graph::Graph&,
                                   const std::map<std::string, std::vector<c128>>&, bool);
template Evaluation<Dual> evaluate(const graph::Graph&,
                                   const std::map<std::string, std::vector<Dual>>&, bool);

}  // namespace tc::oracles
