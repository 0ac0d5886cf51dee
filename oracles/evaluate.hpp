// The generic forward evaluator every oracle runs: a graph's forward values computed with the
// op table's kernels on a scalar type S —
//   double  (finite differences), c128 (complex step), Dual (forward mode, the JVP oracle).
// It never touches tapes or the engine under test: `record` and `stop_recording` blocks are
// transparent, `watch` is a no-op, and evaluation stops at the first Gradient statement.
//
// The graph is evaluated "promoted to f64": floating values keep full double precision even
// where the graph says f32 (oracles measure the engine against exact-as-possible math), while
// i32 and bool values are rounded exactly as the engine rounds them. `specs` keep the graph's
// own dtypes, so dtype rules (no implicit promotion) fail here exactly where they fail in the
// engine. cond and while decide on real parts.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/scalar.hpp"
#include "engine/ops/op_def.hpp"
#include "graph/ir.hpp"

namespace tc::oracles {

template <class S>
struct Evaluation {
  std::map<std::string, std::vector<S>> values;  // every value defined, row-major
  std::map<std::string, TensorSpec> specs;       // its dtype (as in the graph) and shape
  // Which tensor each value is: equal numbers are the very same tensor, as in the engine (a
  // cond result is the taken branch's yield, a while result after zero trips or through an
  // identity body is its initial value); what a later watch() of one of them watches.
  std::map<std::string, std::uint64_t> tensors;
  // How each cond / while_loop that ran went, the last time it ran (statements of the graph
  // given to evaluate()).
  std::map<const graph::Cond*, bool> then_taken;
  std::map<const graph::While*, std::int64_t> trips;
  // With record_branches: the side of every kink each kernel saw, in execution order, plus
  // one entry per cond (1 = then, 0 = else) and per while_loop (its iteration count). Two
  // evaluations with equal `branches` took the same path through every kink.
  Branches branches;
  // The Gradient statement evaluation stopped at, if it reached one (values defined after it
  // are absent). Its location is (0, 0) for graphs built in code.
  std::optional<graph::Location> stopped_at;
  const graph::Gradient* stopped_by = nullptr;
};

// The straight-line program one f64 evaluation executed: every op application in execution
// order — a while_loop body once per iteration, only a cond's taken branch — with the tensors
// it read and made (numbered as Evaluation::tensors numbers them: a cond or loop result is the
// very tensor it was given) and their values. What a sweep over the run needs that the
// evaluation's final values cannot give: every iteration's values (running_error.hpp).
struct OpTrace {
  struct Application {
    const OpDef* op = nullptr;
    const OpAttrs* attrs = nullptr;
    std::vector<std::uint64_t> operands;  // tensor ids
    std::uint64_t result = 0;
    const std::string* name = nullptr;    // the statement's result: one per iteration of a loop
  };
  std::vector<Application> applications;
  std::map<std::uint64_t, std::vector<double>> values;  // every tensor's values
  std::map<std::uint64_t, TensorSpec> specs;
  Evaluation<double> evaluation;  // the run's final values, specs and tensors by name
};

// Values for Gradient statements' results, by name: an engine's, with their specs.
struct GradientValues {
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, TensorSpec> specs;
};

// A graph compiled once for many evaluations (finite-difference stencils, directions): names
// resolved to slots and ops looked up at construction, value buffers reused across runs, no
// map built unless asked for. evaluate() below is one compile + run + evaluation(). One
// Evaluator per thread; `g` must outlive it.
template <class S>
class Evaluator {
 public:
  explicit Evaluator(const graph::Graph& g);
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // The buffer of input i (the order of g.inputs); fill it with numel() values before run().
  // run() rounds i32/bool inputs in place.
  std::vector<S>& input(std::size_t i);
  std::size_t input_count() const;

  // Evaluates the graph (see evaluate()); throws as evaluate() does. Values of an earlier run
  // are replaced.
  void run(bool record_branches);
  // The same, going on past each Gradient statement with its results' values taken from
  // `gradients` (by name; a result not listed — a None — stays undefined) instead of stopping
  // there: what an engine computed for them at the same point. The ops after an earlier
  // gradient then record their kink sides too (second order through an earlier gradient:
  // softsign of a value computed after one, soak graph 18514).
  void run(bool record_branches, const GradientValues& gradients);

  // The largest magnitude among the op results of the last run (inputs excluded): |x| for
  // double, |Im x| for c128, the tangent |x.d| for Dual. 0 if none.
  double largest_result() const;
  // The same over every value the last run defined, the inputs included when `with_inputs`.
  double largest_part(bool with_inputs) const;
  // The slot of an IR name, or -1 if the graph never mentions it.
  int slot(const std::string& name) const;
  // Whether the last run defined `slot` (false for the untaken branch, after a stop, ...).
  bool defined(int slot) const;
  const std::vector<S>& value(int slot) const;  // requires defined(slot)
  const TensorSpec& spec(int slot) const;       // requires defined(slot)
  const Branches& branches() const;
  // Which op recorded each side of branches() (nullptr: a cond or while_loop's entry): what an
  // engine's semantics profile says about the kink that side lies on (profile_kinks.hpp).
  const std::vector<const OpDef*>& branch_ops() const;
  // Which value each side of branches() is about: the op's result (its operands sit at the
  // kink), a cond's predicate, nullptr for a while_loop's trip count. Names of the graph.
  const std::vector<const std::string*>& branch_values() const;
  const std::optional<graph::Location>& stopped_at() const;
  const graph::Gradient* stopped_by() const;

  // The last run as maps by name (allocates; the fast paths above do not).
  Evaluation<S> evaluation() const;

 private:
  friend OpTrace trace(const graph::Graph&, const std::map<std::string, std::vector<double>>&, bool);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

extern template class Evaluator<double>;
extern template class Evaluator<c128>;
extern template class Evaluator<Dual>;
extern template class Evaluator<TermsDual>;

// evaluate<double>() that also records the trace. Throws as evaluate() does.
OpTrace trace(const graph::Graph& g, const std::map<std::string, std::vector<double>>& inputs,
              bool record_branches = false);

// `inputs` gives every input's values by name (numel() of them each; i32/bool rounded).
// Values in a while_loop body or cond are those of the last iteration / the taken branch.
// Throws tc::Error (ShapeError, DTypeError, LimitError ... as the engine would) with the
// location of the statement that raised in the message; a missing or mis-sized input is a
// tc::Error naming it.
template <class S>
Evaluation<S> evaluate(const graph::Graph& g, const std::map<std::string, std::vector<S>>& inputs,
                       bool record_branches);

extern template Evaluation<double> evaluate(const graph::Graph&,
                                            const std::map<std::string, std::vector<double>>&, bool);
extern template Evaluation<c128> evaluate(const graph::Graph&,
                                          const std::map<std::string, std::vector<c128>>&, bool);
extern template Evaluation<Dual> evaluate(const graph::Graph&,
                                          const std::map<std::string, std::vector<Dual>>&, bool);
extern template Evaluation<TermsDual> evaluate(const graph::Graph&,
                                               const std::map<std::string, std::vector<TermsDual>>&, bool);

}  // namespace tc::oracles
