// PyTorch's autograd behind EngineUnderTest: runs a graph::Graph statement by statement on
// libtorch, as a user who ports the TF program to PyTorch idiomatically would (docs/libtorch.md
// gives each mapping and why):
//   - torch has one autograd graph and one switch, grad mode. Ops run with grad mode on while
//     some tape records and no stop_recording block encloses them; otherwise under no_grad, so
//     values computed outside every tape are constants (R1).
//   - a trainable variable is a leaf with requires_grad (an nn.Parameter); a constant or a
//     non-trainable variable is a plain tensor until watch() sets requires_grad on it.
//   - gradient() is torch::autograd::grad(allow_unused=true): an undefined result is None;
//     create_graph when called while a tape records (second order, R10); retain_graph for a
//     persistent tape (a non-persistent one frees the graph, torch's analogue of R9).
//   - cond and while_loop are eager C++ control flow; jvp() is torch's forward-mode AD.
#include "eut/libtorch/libtorch_engine.hpp"

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/_make_dual.h>
#include <ATen/ops/_unpack_dual.h>
#include <ATen/ops/ones_like.h>
#include <ATen/ops/tensor.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/zeros_like.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/autograd.h>

#include "engine/core/errors.hpp"
#include "engine/core/limits.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/error_kind.hpp"
#include "eut/inputs.hpp"
#include "eut/libtorch/torch_ops.hpp"

namespace tc::eut {

namespace {

using libtorch::ir_dtype;
using libtorch::torch_dtype;

// An op the adapter has no torch program for: the graph is not runnable on libtorch.
struct Unsupported : Error {
  using Error::Error;
};

// The RaisedError kind of a torch exception: its C++ type where torch says what went wrong
// (TypeError -> dtype, IndexError: a dim or index out of range -> shape); the size-mismatch
// RuntimeErrors (broadcast, matmul, reshape, cat, narrow) are shape errors too, and a kernel
// torch does not have for the operand's dtype ("argmax_cpu" not implemented for 'Bool', from
// its dtype dispatch) is "unsupported": the op exists, torch lacks it for that dtype. A backward
// through saved tensors a non-retaining grad() freed is torch's form of R9's tape error.
ErrorKind torch_error_kind(const c10::Error& e) {
  if (dynamic_cast<const c10::TypeError*>(&e)) return ErrorKind::dtype;
  if (dynamic_cast<const c10::IndexError*>(&e)) return ErrorKind::shape;
  if (dynamic_cast<const c10::NotImplementedError*>(&e)) return ErrorKind::unsupported;
  const std::string m = e.what_without_backtrace();
  if (m.find("not implemented for '") != std::string::npos) return ErrorKind::unsupported;
  if (m.find("Trying to backward through the graph a second time") != std::string::npos) return ErrorKind::tape;
  for (const char* phrase : {"must match the size", "shapes cannot be multiplied", "is invalid for input of size",
                             "Sizes of tensors must match", "exceeds dimension size", "expanded size",
                             "must match except in dimension", "cannot be broadcast"})
    if (m.find(phrase) != std::string::npos) return ErrorKind::shape;
  return ErrorKind::other;
}

// A fresh tensor that owns its storage, as a user creates an input or a parameter (a view of a
// temporary would make every input a view, and autograd treats views differently).
at::Tensor to_tensor(const Value& v) {
  return at::tensor(at::ArrayRef<double>(v.data.data(), v.data.size()), at::kDouble)
      .reshape(v.shape.to_vector())
      .to(torch_dtype(v.dtype))
      .clone();
}

// The primal values (a dual tensor's too) as the IR's Value: every dtype as double. Every
// tensor bound to a name has an IR dtype (exec_node(OpStmt) checks each op's result).
// Torch 1.13's autograd may hand out a ZeroTensor (at::_efficientzerotensor: zeros with no
// allocated storage, e.g. abs's second derivative; pytorch/pytorch#89034): its data pointer
// is null, so it is read as the zeros it stands for.
Value to_value(const at::Tensor& t) {
  const at::Tensor dense = t._is_zerotensor() ? at::zeros(t.sizes(), t.options()) : t;
  const at::Tensor flat = dense.detach().to(at::kDouble).contiguous().reshape({-1});
  const double* p = flat.data_ptr<double>();
  return Value{*ir_dtype(t.scalar_type()), Shape(t.sizes().vec()), std::vector<double>(p, p + flat.numel())};
}

bool is_floating(const at::Tensor& t) { return t.is_floating_point(); }

std::int64_t loop_cap(std::int64_t max_iterations) {
  return max_iterations < 0 || max_iterations > limits::kMaxLoopIterations ? limits::kMaxLoopIterations
                                                                           : max_iterations;
}

// What an IR name is bound to: a tensor, or None (a gradient result that must not be used).
struct Slot {
  at::Tensor tensor;
  bool none = false;
  std::string why;
};

// A TF tape has no torch object: what is left of it is whether it records now (it is inside
// one of its record blocks) and whether it keeps its graph after gradient() (persistent).
struct Tape {
  bool persistent = false;
  int open_records = 0;
};

enum class Mode {
  run,      // tapes as the graph says
  forward,  // jvp(): tape statements transparent, stop at the first Gradient statement
};

struct StopAtGradient {};

class Runner {
 public:
  Runner(Mode mode, std::optional<std::uint64_t> dual_level) : mode_(mode), dual_level_(dual_level) {}

  // Binds the inputs: trainable variables as leaves that require grad (an nn.Parameter);
  // for jvp(), every floating input as a dual tensor carrying its tangent.
  void setup(const graph::Graph& g, const InputValues& overrides, const InputValues* tangents) {
    const InputValues values = materialize_inputs(g, overrides);
    for (const graph::Input& in : g.inputs) {
      at::Tensor t = to_tensor(values.at(in.name));
      if (dual_level_ && is_floating(t)) {
        t = at::_make_dual(t, to_tensor(tangents->at(in.name)), static_cast<std::int64_t>(*dual_level_));
      } else if (mode_ == Mode::run && in.kind == graph::InputKind::variable && in.trainable &&
                 is_floating(t)) {
        t.requires_grad_(true);
      }
      values_[in.name].tensor = t;
    }
    for (const graph::TapeDecl& d : g.tapes) tapes_[d.name].persistent = d.persistent;
  }

  void run_block(const graph::Block& block) {
    for (const graph::Statement& s : block) exec(s);
  }

  const std::optional<graph::Location>& error_at() const { return error_at_; }
  const std::map<std::string, Slot>& values() const { return values_; }
  std::vector<GradientResult>& gradients() { return gradients_; }

 private:
  void exec(const graph::Statement& s) {
    try {
      std::visit([&](const auto& node) { exec_node(node); }, s.node);
    } catch (...) {
      if (!error_at_ || (error_at_->line == 0 && s.loc.line != 0)) error_at_ = s.loc;
      throw;
    }
  }

  const Slot& slot(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) throw Error(name + " is not defined");
    return it->second;
  }

  const at::Tensor& use(const std::string& name) const {
    const Slot& s = slot(name);
    if (s.none) throw Error(name + " is None" + (s.why.empty() ? "" : " (" + s.why + ")"));
    return s.tensor;
  }

  void define(const std::string& name, at::Tensor t) {
    Slot& s = values_[name];
    s = Slot{};
    s.tensor = std::move(t);
  }

  Tape& tape(const std::string& name) {
    auto it = tapes_.find(name);
    for (auto t = tapes_.begin(); it == tapes_.end() && t != tapes_.end(); ++t)
      if (bare_name(t->first) == bare_name(name)) it = t;
    if (it == tapes_.end()) throw TapeError("no tape named '" + bare_name(name) + "'");
    return it->second;
  }

  // Grad mode: on while some tape is inside a record block and no stop_recording encloses
  // this point (torch has one switch for all tapes).
  bool recording() const {
    if (mode_ == Mode::forward || paused_ > 0) return false;
    for (const auto& [name, t] : tapes_)
      if (t.open_records > 0) return true;
    return false;
  }

  // --- statements ---------------------------------------------------------------------------
  void exec_node(const graph::OpStmt& s) {
    const OpDef& op = get_op(s.op);
    const libtorch::TorchOpFn fn = libtorch::find_torch_op(op.name);
    if (!fn) throw Unsupported("op '" + s.op + "' has no torch equivalent in the libtorch adapter");
    if (op.arity >= 0 && static_cast<int>(s.operands.size()) != op.arity)
      throw ShapeError(s.op + ": expects " + std::to_string(op.arity) + " inputs, got " +
                       std::to_string(s.operands.size()));
    std::vector<at::Tensor> operands;
    operands.reserve(s.operands.size());
    for (const std::string& o : s.operands) operands.push_back(use(o));
    at::Tensor result = fn(operands, s.attrs);
    if (!ir_dtype(result.scalar_type()))
      throw DTypeError(s.op + ": torch returned a " + std::string(c10::toString(result.scalar_type())) +
                       " tensor, which the IR has no dtype for");
    if (result.numel() > limits::kMaxElements)
      throw LimitError(s.op + ": result of " + std::to_string(result.numel()) + " elements exceeds the cap");
    define(s.result, std::move(result));
  }

  void exec_node(const graph::Record& r) {
    Tape& t = tape(r.tape);
    ++t.open_records;
    try {
      const at::AutoGradMode mode(recording());
      run_block(r.body);
    } catch (...) {
      --t.open_records;
      throw;
    }
    --t.open_records;
  }

  // torch.no_grad(): pauses every tape, not only this one (torch has no per-tape scope).
  void exec_node(const graph::StopRecording& r) {
    tape(r.tape);  // an unknown tape is an error, as in the reference
    ++paused_;
    try {
      const at::AutoGradMode mode(false);
      run_block(r.body);
    } catch (...) {
      --paused_;
      throw;
    }
    --paused_;
  }

  // watch(x) = x.requires_grad_(): for every tape at once. An integer or bool tensor cannot
  // require grad in torch (TF warns and gives None): a port leaves it unwatched.
  void exec_node(const graph::Watch& w) {
    tape(w.tape);
    if (mode_ == Mode::forward) return;
    for (const std::string& v : w.values) {
      const at::Tensor& t = use(v);
      if (is_floating(t) && !t.requires_grad()) t.requires_grad_(true);
    }
  }

  void exec_node(const graph::Cond& c) {
    if (c.then_yield.size() != c.results.size() || c.else_yield.size() != c.results.size())
      throw Error("cond: " + std::to_string(c.results.size()) + " results but the branches yield " +
                  std::to_string(c.then_yield.size()) + " and " + std::to_string(c.else_yield.size()) +
                  " values");
    const bool then_taken = use(c.pred).is_nonzero();  // `if pred:` in Python
    const graph::Block& body = then_taken ? c.then_body : c.else_body;
    const std::vector<std::string>& yields = then_taken ? c.then_yield : c.else_yield;
    run_block(body);
    std::vector<at::Tensor> out;
    for (const std::string& y : yields) out.push_back(use(y));
    for (std::size_t k = 0; k < c.results.size(); ++k) define(c.results[k], out[k]);
  }

  // A Python while loop. Torch checks no shape invariant of the loop variables (TF does); the
  // iteration cap is the IR's (the reference's LimitError).
  void exec_node(const graph::While& w) {
    if (w.params.size() != w.init.size() || w.body_yield.size() != w.init.size())
      throw Error("while_loop: " + std::to_string(w.init.size()) + " initial values, " +
                  std::to_string(w.params.size()) + " parameters, the body yields " +
                  std::to_string(w.body_yield.size()));
    std::vector<at::Tensor> vars;
    for (const std::string& i : w.init) vars.push_back(use(i));
    const std::int64_t cap = loop_cap(w.max_iterations);
    for (std::int64_t i = 0;; ++i) {
      for (std::size_t k = 0; k < vars.size(); ++k) define(w.params[k], vars[k]);
      run_block(w.cond_body);
      if (!use(w.cond_yield).is_nonzero()) break;
      if (i >= cap) throw LimitError("while_loop: more than " + std::to_string(cap) + " iterations");
      run_block(w.body);
      for (std::size_t k = 0; k < vars.size(); ++k) vars[k] = use(w.body_yield[k]);
    }
    for (std::size_t k = 0; k < w.results.size() && k < vars.size(); ++k) define(w.results[k], vars[k]);
  }

  // torch.optim.SGD.step() skips every parameter whose .grad is None, silently — also when all
  // of them are None — where TF raises for all-None and warns for some-None (R14). Running it
  // would be judged against TF's contract it does not claim: the adapter reports the step as
  // unsupported (the graph is skipped, not a finding). docs/libtorch.md.
  void exec_node(const graph::ApplyGradients&) {
    if (mode_ == Mode::forward) throw StopAtGradient{};
    throw Unsupported("apply_gradients: torch.optim.SGD skips parameters without a gradient silently (no "
                      "error when none has one, no warning), unlike TF's optimizers (R14); the libtorch "
                      "adapter does not run optimizer steps");
  }

  void exec_node(const graph::Gradient& g) {
    if (mode_ == Mode::forward) throw StopAtGradient{};
    if (g.results.size() != g.sources.size())
      throw Error("gradient: " + std::to_string(g.results.size()) + " results for " +
                  std::to_string(g.sources.size()) + " sources");
    const Tape& t = tape(g.tape);
    const at::Tensor& target = use(g.target);
    std::vector<at::Tensor> sources;
    for (const std::string& name : g.sources) sources.push_back(use(name));
    std::optional<at::Tensor> seed;
    if (g.output_gradients) seed = use(*g.output_gradients);

    // torch raises for a target or a source that does not require grad; a port asks only
    // for the sources that do and reads None for the rest.
    std::vector<std::optional<at::Tensor>> results(sources.size());
    std::vector<std::string> why(sources.size());
    std::vector<at::Tensor> asked;
    std::vector<std::size_t> asked_index;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      if (!target.requires_grad())
        why[k] = "the target does not require grad (no recorded op connects it to anything watched)";
      else if (!sources[k].requires_grad())
        why[k] = "the source does not require grad (not watched, not a trainable variable, or "
                 "computed while no tape recorded)";
      else {
        asked.push_back(sources[k]);
        asked_index.push_back(k);
      }
    }
    if (!asked.empty()) {
      const bool create_graph = at::GradMode::is_enabled();  // an enclosing tape records this
      const at::Tensor grad_output = seed ? *seed : at::ones_like(target);
      const std::vector<at::Tensor> r = torch::autograd::grad({target}, asked, {grad_output},
                                                              /*retain_graph=*/t.persistent || create_graph,
                                                              create_graph, /*allow_unused=*/true);
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (r[i].defined())
          results[asked_index[i]] = r[i];
        else
          why[asked_index[i]] = "no path from the source to the target in torch's autograd graph";
      }
    }
    GradientResult out;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      if (!results[k] && g.unconnected == graph::Unconnected::zero) results[k] = at::zeros_like(sources[k]);
      if (results[k]) {
        define(g.results[k], *results[k]);
        out.values.push_back(to_value(*results[k]));
        out.why_none.emplace_back();
      } else {
        Slot& s = values_[g.results[k]];
        s = Slot{};
        s.none = true;
        s.why = why[k];
        out.values.emplace_back(std::nullopt);
        out.why_none.push_back(why[k]);
      }
    }
    gradients_.push_back(std::move(out));
  }

  Mode mode_;
  std::optional<std::uint64_t> dual_level_;
  std::map<std::string, Slot> values_;
  std::map<std::string, Tape> tapes_;
  int paused_ = 0;
  std::optional<graph::Location> error_at_;
  std::vector<GradientResult> gradients_;
};

// A forward-AD level for one jvp() call, exited however the call ends.
class DualLevel {
 public:
  DualLevel() : level_(torch::autograd::forward_ad::enter_dual_level()) {}
  ~DualLevel() { torch::autograd::forward_ad::exit_dual_level(level_); }
  DualLevel(const DualLevel&) = delete;
  DualLevel& operator=(const DualLevel&) = delete;
  std::uint64_t level() const { return level_; }

 private:
  std::uint64_t level_;
};

// Runs `body`, turning whatever it throws into the RaisedError of `result`.
template <class Body>
void run_guarded(RunResult& result, const Runner& runner, Body&& body) {
  const auto at = [&] { return runner.error_at().value_or(graph::Location{}); };
  try {
    body();
  } catch (const c10::Error& e) {
    result.error = RaisedError{torch_error_kind(e), e.what_without_backtrace(), at()};
  } catch (const Unsupported& e) {
    result.error = RaisedError{ErrorKind::unsupported, e.what(), at()};
  } catch (const std::exception& e) {
    result.error = RaisedError{classify_error(e), e.what(), at()};
  } catch (...) {
    result.error = RaisedError{ErrorKind::other, "unknown exception", at()};
  }
}

class LibtorchEngine final : public EngineUnderTest {
 public:
  LibtorchEngine() { at::set_num_threads(1); }

  std::string name() const override { return "libtorch"; }
  const SemanticsProfile& semantics() const override { return torch_profile(); }
  Capabilities capabilities() const override {
    Capabilities c;
    c.optimizer_step = false;  // exec_node(ApplyGradients): unsupported
    return c;
  }

  RunResult run(const graph::Graph& g, const InputValues& inputs) override { return run_graph(g, inputs, true); }
  RunResult run_for_gradients(const graph::Graph& g, const InputValues& inputs) override {
    return run_graph(g, inputs, false);
  }

  // Everything run() gives, or (whole_result false) the gradients and the error only.
  RunResult run_graph(const graph::Graph& g, const InputValues& inputs, bool whole_result) {
    RunResult result;
    Runner runner(Mode::run, std::nullopt);
    run_guarded(result, runner, [&] {
      const at::AutoGradMode outside_every_tape(false);
      runner.setup(g, inputs, nullptr);
      runner.run_block(g.body);
    });
    if (!whole_result) {
      result.gradients = std::move(runner.gradients());
      return result;
    }
    // Every value the run defined, also when it stopped with an error (that error stands).
    RunResult read;
    run_guarded(read, runner, [&] {
      for (const auto& [name, slot] : runner.values())
        if (!slot.none && slot.tensor.defined()) result.values[name] = to_value(slot.tensor);
    });
    if (!result.error) result.error = read.error;
    result.gradients = std::move(runner.gradients());
    return result;
  }

  // Forward-mode AD: every floating input a dual tensor with its tangent (zero if not given);
  // the tangent of every floating value defined before the first Gradient statement (or
  // before an error). A value no input reaches has an undefined tangent: zeros.
  std::optional<std::map<std::string, Value>> jvp(const graph::Graph& g, const InputValues& inputs,
                                                  const InputValues& tangents) override {
    const InputValues u = materialize_tangents(g, tangents);
    const DualLevel level;
    Runner runner(Mode::forward, level.level());
    const at::AutoGradMode no_backward_graph(false);  // forward AD ignores grad mode
    runner.setup(g, inputs, &u);
    try {
      runner.run_block(g.body);
    } catch (const StopAtGradient&) {
    } catch (const std::exception&) {
      // The values defined before the error still get their tangents.
    }
    std::map<std::string, Value> out;
    for (const auto& [name, slot] : runner.values()) {
      if (slot.none || !slot.tensor.defined() || !is_floating(slot.tensor)) continue;
      const at::Tensor tangent =
          std::get<1>(at::_unpack_dual(slot.tensor, static_cast<std::int64_t>(level.level())));
      out[name] = to_value(tangent.defined() ? tangent : at::zeros_like(slot.tensor));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<EngineUnderTest> make_libtorch_engine() { return std::make_unique<LibtorchEngine>(); }

}  // namespace tc::eut
