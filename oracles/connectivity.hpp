// The connectivity oracle: which gradient results are None, and why, predicted from the graph
// alone (SEMANTICS R1–R13), then compared with the engine under test's None set exactly.
//
// The prediction is a model of TF GradientTape semantics written apart from the engine's tape:
// it walks the graph in execution order, keeps its own record per tape of what is recording,
// paused, watched and recorded, decides cond branches and while trip counts from concrete
// values (oracles::evaluate<double>, one statement at a time), and reads gradient classes
// only from the op table. For nested tapes it models each gradient a backward pass computes
// by what the op table says its VJP reads (InputDef::vjp_reads), never by the VJP code, so an
// engine's VJP that drops or adds a dependence is caught (see docs/oracles_connectivity.md).
// Explanations use the engine's vocabulary (NoneReason, CutRule, Cut from engine/explain.hpp)
// so that a report can put the two side by side; none of the engine's tape code is called.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/explain.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"

namespace tc::oracles {

// The prediction for one source of one Gradient statement.
struct SourcePrediction {
  std::string source;      // IR name, with '%'
  bool connected = false;  // R6: a path of recorded, gradient-passing edges exists
  // When not connected (R13): why, and the cut nearest the target on each path (`node` is
  // the IR value name of the node whose input edge is cut, or "#<n> (<op>)" for a node the
  // graph does not name, such as an op of an inner gradient's backward pass; one cut per
  // node and rule; `input_node`/`input_dtype` name the cut input and, for integer_dtype, the
  // integer dtype).
  NoneReason reason = NoneReason::no_path;
  std::vector<Cut> cuts;
  std::string detail;        // reason == not_watched: what kind of source it is and why
  bool zero_filled = false;  // not connected, but unconnected = zero (R7): a value of zeros

  bool is_none() const { return !connected && !zero_filled; }
  // "predicted a value" / "None: <reason> ..." for reports and finding details.
  std::string sentence(const std::string& target) const;
};

// One executed Gradient statement (a statement in a while body gives one per iteration).
struct GradientPrediction {
  int index = 0;  // execution order, as RunResult::gradients
  std::string tape, target;
  graph::Location loc;
  std::vector<SourcePrediction> sources;  // one per source, in order (R12)
  // The backward pass differentiated a gradient of a gradient (third order and up), which the
  // op table's facts describe only approximately: a disagreement is not evidence.
  bool approximate = false;
};

// Where the run is predicted to stop: a second gradient() on a non-persistent tape (R9), a
// None result used by a later statement, a tape started twice, an optimizer step without any
// gradient (R14), or an error the forward evaluation raises (shape, dtype, loop limit).
struct PredictedError {
  eut::ErrorKind kind = eut::ErrorKind::other;
  std::string message;
  graph::Location at;
};

// One ApplyGradients statement the run reaches (R14): which variables get no gradient, and
// why. All None: the step raises "No gradients provided for any variable" (`error` names each
// variable and its reason); some None: it warns about those and updates the others.
struct StepPrediction {
  int after_gradient = -1;  // the last gradient() before it, as GradientPrediction::index
  graph::Location loc;
  struct Variable {
    std::string name;      // IR name of the variable, with '%'
    std::string gradient;  // IR name of its gradient
    bool none = false;
    std::string why;       // for None: the gradient's R13 explanation
  };
  std::vector<Variable> variables;
  double learning_rate = 0;
  bool raises = false;  // every gradient is None
};

struct ConnectivityPrediction {
  std::vector<GradientPrediction> gradients;
  std::vector<StepPrediction> steps;
  std::optional<PredictedError> error;
  // Under a profile where a second gradient() of a non-persistent tape raises only if the
  // first freed what it needs (SecondGradient::raises_if_freed): the first such call. A tape
  // error there or later is one the semantics allow.
  std::optional<int> may_stop_from;
};

// Predicts every Gradient statement the run executes (inputs not listed take their Init),
// under `profile`'s rules where they differ from TF's (eut/semantics_profile.hpp). Never throws
// for what a graph does; a malformed graph becomes `error`.
ConnectivityPrediction predict_connectivity(const graph::Graph& g, const eut::InputValues& inputs,
                                            const eut::SemanticsProfile& profile = eut::tf_profile());

// The prediction against the engine's run: one Finding (oracle "connectivity") per source of
// every Gradient statement either side executed. A None where a value is predicted, a value
// where None is predicted, a non-zero value where R7 predicts zeros, a value whose shape or
// dtype is not the source's, and a gradient() that runs although R9 forbids it are
// mismatches; results after an unpredicted engine error are inconclusive. An engine whose
// capabilities say it cannot tell None from zero (exact_none = false) may return zeros for a
// predicted None: inconclusive, not a mismatch (a non-zero value still is one).
// Each optimizer step gives one more finding (source "", target "apply_gradients", under the
// last gradient() before it): a mismatch if the engine raised where the step has gradients or
// applied where it has none, updated a variable whose gradient is None or left one with a
// gradient unchanged, did not warn about the variables it skipped, or updated a variable to
// other than v - learning_rate * g (g the engine's own gradient, within the rounding of the
// three operations).
// The prediction follows the engine's semantics profile.
std::vector<Finding> check_connectivity(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& run, const eut::Capabilities& engine = {},
                                        const eut::SemanticsProfile& profile = eut::tf_profile());

// The vocabulary's words ("not watched", "stop_gradient", ...): the engine's own, spelled once
// in engine/explain.hpp (words only; none of the engine's tape code).
inline const char* reason_words(NoneReason r) { return none_reason_name(r); }
inline const char* rule_words(CutRule r) { return cut_rule_name(r); }

}  // namespace tc::oracles
