// The one boundary between tapecheck and an autodiff engine. The reference engine, its
// injected-fault mutants, a user's engine and (later) PyTorch each implement it; oracles,
// properties, fuzzers and reports depend only on this interface.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eut/error_kind.hpp"
#include "eut/semantics_profile.hpp"
#include "graph/ir.hpp"

namespace tc {
class RuleSet;
}

namespace tc::eut {

// A value crossing the boundary: dtype, shape, row-major data (as double; see docs).
struct Value {
  DType dtype = DType::f64;
  Shape shape;
  std::vector<double> data;
};

// The results of one `Gradient` statement: one slot per source, nullopt = None.
struct GradientResult {
  std::vector<std::optional<Value>> values;
  // The engine's own words for each None, where it has them (empty string otherwise).
  std::vector<std::string> why_none;
};

// An error the engine raised while running the graph (shape error at an op, second
// gradient() on a non-persistent tape, ...). Raising is an outcome, not a crash.
struct RaisedError {
  ErrorKind kind = ErrorKind::other;
  std::string message;
  graph::Location at;   // the statement that raised, if known
};

// What one ApplyGradients statement (an optimizer step, R14) did, when it ran without error.
struct StepResult {
  // Per variable of the statement, in order: its value after the step, or nullopt where the
  // step left it unchanged because its gradient was None.
  std::vector<std::optional<Value>> variables;
  std::string warning;  // the engine's warning naming the variables left unchanged ("" if none)
};

struct RunResult {
  std::map<std::string, Value> values;     // every value the run defined, by name (a variable:
                                           // its value before any optimizer step)
  std::vector<GradientResult> gradients;   // one per Gradient statement executed, in order
  std::vector<StepResult> steps;           // one per ApplyGradients statement completed, in order
  std::vector<std::string> warnings;       // every warning the engine gave, in order
  std::optional<RaisedError> error;        // set if the run stopped with an error
};

// Input values by name; inputs not listed take their graph `Init`.
using InputValues = std::map<std::string, Value>;

struct Capabilities {
  bool second_order = true;   // nested tapes (R10)
  bool control_flow = true;   // cond / while_loop (R11)
  bool f32 = true;
  bool exact_none = true;     // distinguishes None from zero (torch's allow_unused may not)
  bool optimizer_step = true;  // runs apply_gradients (R14); else it reports `unsupported` there
  // Takes, at every kink and tie, the derivative the op table's rows state (relu'(0) = 0, ties
  // to maximum's first operand, clip's closed interval ...: TF's rules). Then a derivative at a
  // kink is part of the semantics and is judged exactly; otherwise it is a convention the
  // oracles do not judge.
  bool table_kink_rules = false;
};

class EngineUnderTest {
 public:
  virtual ~EngineUnderTest() = default;
  virtual std::string name() const = 0;
  virtual Capabilities capabilities() const { return {}; }
  // Where its gradient semantics differ from TF's, as data (semantics_profile.hpp): the oracles
  // judge the engine by these rules. Default: TF's.
  virtual const SemanticsProfile& semantics() const { return tf_profile(); }
  // Runs the whole graph: forward values, every gradient request, or the error raised.
  // Must not throw for anything the graph does; throwing is reserved for broken engines.
  virtual RunResult run(const graph::Graph& g, const InputValues& inputs) = 0;
  // The same run for a caller that reads only `gradients` and `error`: the second-order
  // oracle differentiates <gradient, u> along a line through the inputs, a run per point
  // (~6-12 per direction), and never reads the rest. An engine may leave `values`, `steps`
  // and `warnings` empty here; collecting every value was ~13 % of a reference run of ~16
  // ops. Default: run().
  virtual RunResult run_for_gradients(const graph::Graph& g, const InputValues& inputs) { return run(g, inputs); }

  // Forward mode, if the engine has it: the directional derivative of every value defined
  // before the first Gradient statement, along `tangents` (by input name; unlisted inputs
  // have zero tangent). nullopt: this engine has no forward mode.
  virtual std::optional<std::map<std::string, Value>> jvp(const graph::Graph& g,
                                                          const InputValues& inputs,
                                                          const InputValues& tangents) {
    return std::nullopt;
  }
};

// Makes a fresh engine: one per thread or per worker process.
using EngineFactory = std::function<std::unique_ptr<EngineUnderTest>()>;

// The reference engine (engine/), through its adapter.
std::unique_ptr<EngineUnderTest> make_reference_engine();
// The same engine running other rules (a mutant's, engine/rules.hpp), under another name.
std::unique_ptr<EngineUnderTest> make_reference_engine(RuleSet rules, std::string name);
// Whether `engine` is make_reference_engine()'s: the reference rules, not a mutant's.
bool is_reference_engine(const EngineUnderTest& engine);

}  // namespace tc::eut
