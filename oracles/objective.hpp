// The scalar function a numerical oracle differentiates for one Gradient statement: how it is
// prepared from the graph, and evaluated — once, or many times fast (ObjectiveRunner). What the
// numerical oracles share besides: comparing with the engine (comparison.hpp), the values the
// tape holds constant (tape_analysis.hpp), the engine's rounding (rounding_probe.hpp).
//
// For statement k — `tape.gradient(T, [s_1 .. s_m], output_gradients = v)` — the function is
//   f(s_1 .. s_m) = Σ_i v_i · T_i     (v = ones when absent; v held at its base value)
// as a function of the sources' values, every other input fixed. Its gradient with respect to
// s_j is exactly what the engine must return (R8). Three things make f the function the TAPE
// differentiates rather than the plain forward:
//   - earlier Gradient statements are dropped (the generic evaluator stops at the first one);
//     a target that uses an earlier gradient's result is second order: not_applicable here;
//   - values the tape treats as constants although they move with the sources — results of
//     ops outside the tape's recording, inside its stop_recording, of ops none of whose
//     differentiable operands the tape tracks, and of stop_gradient — are held at their base
//     values ("frozen"): the statement is removed and the value becomes an input of the
//     prepared graph. A frozen value inside cond/while_loop cannot be hoisted: not_applicable;
//   - a source that is an intermediate value v (the result of an op or cond statement
//     outside cond/while_loop blocks) is overridden from its statement on: every later use
//     reads v's computed value plus an input named v, zero at the base point, so f varies v
//     with v's own inputs fixed — TF's gradient with respect to an intermediate tensor counts
//     only the paths from v to the target (intermediate_source.hpp, which also says which
//     values cannot be overridden: not_applicable). Uses of v the tape does not record are
//     held like any other constant (tape_analysis.hpp).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/random_streams.hpp"
#include "engine/core/scalar.hpp"
#include "engine/ops/op_def.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/finding.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

// A forwarding name for code that took mix_seed from here (it lives in
// engine/core/random_streams.hpp with the other seeded-stream helpers).
using tc::mix_seed;

struct RoundingProbe;  // rounding_probe.hpp

struct ObjectiveSource {
  // The input the oracles move: the IR name in the Gradient statement, or for a cond or
  // while_loop result that passes a tensor on, where that tensor was made (tensor_origin,
  // intermediate_source.hpp). Findings name the statement's source (Objective::statement).
  std::string name;
  TensorSpec spec;        // of the input
  std::string why_not;    // non-empty: this source cannot be perturbed (not an input ...)
};

struct Objective {
  int gradient = 0;                 // index of the Gradient statement, in execution order
  graph::Gradient statement;        // a copy of it
  std::string not_applicable;       // non-empty: nothing of this statement can be checked (why)

  graph::Graph graph;               // prepared: earlier gradients dropped, frozen values inputs
  // The name `graph` holds the target's value in: the target, or its moved copy when the
  // target is itself an intermediate source (d v/d v = 1, and v still moves with the inputs).
  std::string target_value;
  std::map<std::string, std::vector<double>> base;  // every input of `graph`, f64
  std::vector<std::string> frozen;  // names of the values held at their base values
  // The values the preparation hoisted into inputs of `graph` (frozen values, and held uses'
  // copies), each input's name with the name of the value it holds in `hoisted_from`: the
  // graph they were computed by (earlier gradients dropped, nothing hoisted yet), which reads
  // only the original inputs in `base`. The engine computed those values with its own rounding,
  // through cancellations `graph` no longer sees; the rounding probe evaluates this graph
  // jittered to see it. Null when nothing was hoisted.
  std::vector<std::pair<std::string, std::string>> hoisted;
  std::shared_ptr<const graph::Graph> hoisted_from;
  std::vector<ObjectiveSource> sources;
  std::vector<double> cotangent;    // v, one per target element
  TensorSpec target_spec;

  double value = 0;                 // f at the base point
  double magnitude = 0;             // Σ |v_i T_i| at the base point
  Branches branches;                // the base point's branch signature

  ToleranceContext tolerance;
  std::string complex_ineligible;   // the first op without a complex extension, "" if none
  bool has_where = false;           // a where/select: NaN may leak into gradients (TF, documented)
  // The base point puts an op on its kink where the engine's profile gives a NaN derivative
  // (OpSemantics::nan_at_kink): NaN may reach any gradient.
  bool nan_at_kink = false;
  // A value of the graph is subnormal for its dtype at the base point (f32: 0 < |v| < 2^-126;
  // f64: < 2^-1022): a reciprocal or quotient of it is beyond that dtype's range inside the
  // engine's backward pass (solve(A, A) with A ~ -1e-40 in f32: A^-1 overflows and inf - inf =
  // NaN where the derivative is 0; log_abs_det(diag(softplus(x))) at x = -715.5 in f64: the
  // diagonal's 1e-311 inverts to inf, times softplus' 1e-311 slope, where the derivative is
  // -0.0063, seed 9 graph 41487, as TF's formulas give too), so no engine's gradient need be
  // finite there.
  bool subnormal = false;
};

// The number of Gradient statements of `g` (pre-order through record/stop_recording blocks,
// which is execution order unless a gradient sits inside cond/while_loop).
int count_gradient_statements(const graph::Graph& g);

// Why the statements `before` a Gradient statement cannot be evaluated by the oracles: an
// optimizer step (apply_gradients) among them updates variables with an earlier gradient,
// which the forward evaluation does not compute. "" if there is none.
std::string optimizer_step_in(const graph::Block& before);

// Prepares statement `gradient` of `g` at `inputs` (unlisted inputs take their Init).
// Never throws for a graph problem: `not_applicable` says why.
// The values held constant are those `profile`'s rules hold constant (TF's by default).
Objective make_objective(const graph::Graph& g, const eut::InputValues& inputs, int gradient,
                         const eut::SemanticsProfile& profile = eut::tf_profile());

// The largest finite magnitude among the floating values of an evaluation: what an engine with
// its own kernels (Rounding::own_kernels) may leave of its rounding in a result that cancels
// (ToleranceContext::cancellation_floor is its rounding bound).
double largest_floating_value(const std::map<std::string, std::vector<double>>& values,
                              const std::map<std::string, TensorSpec>& specs);

// The tolerance context of a whole graph whose objective is not applicable (a value the tape
// holds constant where the objective cannot hold it, ...) but whose values a run computed
// (`specs`: name → spec): every op counted (loop bodies by their assumed trips), the largest
// tolerance factor, the least precise floating dtype among them. Without it a check falls
// back to f64's rounding and calls an f32 engine's rounding a mismatch.
ToleranceContext whole_graph_tolerance(const graph::Graph& g, const std::map<std::string, TensorSpec>& specs);

// f and the magnitude of its terms at a point: for double Σ|v_i T_i|, for c128 Σ|v_i Im T_i|,
// for Dual Σ|v_i T_i'| (the terms of the derivative part).
template <class S>
struct ObjectiveValue {
  S value{};
  double magnitude = 0;
  Branches branches;  // with record_branches
};

// Evaluates f with `inputs` (every input of objective.graph, as from lift()). Throws tc::Error
// as evaluate() does.
template <class S>
ObjectiveValue<S> evaluate_objective(const Objective& o,
                                     const std::map<std::string, std::vector<S>>& inputs,
                                     bool record_branches);

// The base point as inputs of scalar type S (zero imaginary part / tangent).
template <class S>
std::map<std::string, std::vector<S>> lift(const Objective& o);

// f evaluated many times — the oracles' hot loop. The prepared graph is compiled once
// (evaluate.hpp Evaluator) and its inputs hold the base point; callers move a source's
// buffer, run(), and put it back (restore()). One runner per thread; `o` must outlive it.
template <class S>
class ObjectiveRunner {
 public:
  explicit ObjectiveRunner(const Objective& o);
  // The input buffer of source `source` of the statement (a graph input).
  std::vector<S>& source(std::size_t source);
  // Puts source `source` back to the base point.
  void restore(std::size_t source);
  // The buffer of input `i` of the prepared graph (Objective::graph.inputs' order), for a
  // caller that varies more than the sources (the rounding probe refills its jitter factors).
  std::vector<S>& input(std::size_t i);
  // f and the magnitude of its terms (as ObjectiveValue); throws tc::Error as evaluate().
  S run(bool record_branches, double* magnitude = nullptr);
  // Evaluator::largest_result() of the last run.
  double largest_result() const;
  double largest_part(bool with_inputs) const;  // Evaluator::largest_part() of the last run
  // The branch signature of the last run (with record_branches).
  const Branches& branches() const;
  const std::vector<const OpDef*>& branch_ops() const;  // Evaluator::branch_ops()
  const std::vector<const std::string*>& branch_values() const;  // Evaluator::branch_values()

 private:
  const Objective* o_;
  Evaluator<S> ev_;
  std::vector<std::size_t> source_input_;  // source -> input index (or npos)
  int target_ = -1;
};

// Compiled runners of one objective kept for reuse: compiling the prepared graph costs a few
// of its runs, and the oracles' parallel passes would otherwise compile one per thread per
// pass. A runner is taken by one thread at a time and given back at the base point.
template <class S>
class RunnerPool {
 public:
  explicit RunnerPool(const Objective& o) : o_(o) {}
  std::unique_ptr<ObjectiveRunner<S>> take();  // an idle runner, or a new one
  void give(std::unique_ptr<ObjectiveRunner<S>> runner);

 private:
  const Objective& o_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ObjectiveRunner<S>>> idle_;
};

// A runner taken from a pool for one scope (an OpenMP thread's share of a pass); the
// destructor gives it back. Callers leave its sources at the base point (restore()).
template <class S>
class RunnerLease {
 public:
  explicit RunnerLease(RunnerPool<S>& pool) : pool_(&pool), runner_(pool.take()) {}
  ~RunnerLease() {
    if (runner_) pool_->give(std::move(runner_));
  }
  RunnerLease(RunnerLease&&) noexcept = default;
  RunnerLease& operator=(RunnerLease&&) = delete;
  ObjectiveRunner<S>& operator*() const { return *runner_; }
  ObjectiveRunner<S>* operator->() const { return runner_.get(); }

 private:
  RunnerPool<S>* pool_;
  std::unique_ptr<ObjectiveRunner<S>> runner_;
};

// Every Gradient statement's objective of one graph at one point under one semantics profile,
// prepared once (make_objective) together with its pools of compiled runners. What the
// numerical oracles of one check share (check_all.hpp builds one per check_graph()), and what
// repeated checks of the same graph and inputs — other seeds, modes, thread counts — can
// share: preparing costs a few hundred microseconds on BENCH_GRAPH, about as much as a
// projection check's own work. Thread-safe: the objectives are read-only once built and the
// runners are leased.
class PreparedObjectives {
 public:
  PreparedObjectives(const graph::Graph& g, const eut::InputValues& inputs,
                     const eut::SemanticsProfile& profile = eut::tf_profile());
  ~PreparedObjectives();
  PreparedObjectives(PreparedObjectives&&) noexcept;
  PreparedObjectives& operator=(PreparedObjectives&&) noexcept;

  int count() const { return static_cast<int>(statements_.size()); }  // count_gradient_statements
  const Objective& objective(int k) const;                           // make_objective(g, inputs, k, profile)
  template <class S>
  RunnerLease<S> runner(int k) const;  // a runner of objective(k)
  // rounding_sensitivity(objective(k), engine, seed, threads) (rounding_probe.hpp, default
  // directions and realizations), computed once per seed and engine values: the numerical
  // oracles of one check each probe the same objective against the same run with the same
  // seed, and one probe costs about as much as the rest of a small graph's check. The probe
  // is deterministic for any thread count, so `threads` only says how to compute it.
  const RoundingProbe& rounding_probe(int k, const std::vector<const eut::Value*>& engine, std::uint64_t seed,
                                      int threads) const;

 private:
  struct Statement;
  std::vector<std::unique_ptr<Statement>> statements_;
};

}  // namespace tc::oracles
