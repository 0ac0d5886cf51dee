// Every applicable oracle on one graph against one engine under test, and one verdict per
// (gradient, source). `tapecheck replay`, the campaign and the findings log build on this.
//
// The engine runs the graph once; the oracles judge that one RunResult (connectivity, finite
// differences, complex step, forward mode, and second order when built). The verdict of a
// (gradient, source) pair combines its findings:
//   mismatch      some oracle found a real disagreement;
//   error_raised  otherwise, if the engine stopped with an error before this gradient() ran;
//   agree         otherwise, if at least one oracle agreed and — for a result that is a value —
//                 some numerical oracle compared its entries (finite differences, complex step,
//                 forward mode, second order; or the exact zeros of unconnected=zero, R7). A None
//                 both sides predict is an agreement of the connectivity oracle;
//   unverified    otherwise, if the result is a value and only the connectivity oracle agreed
//                 (it is a value where one is due): no number was checked; the detail says why
//                 each numerical oracle could not judge it;
//   inconclusive  every oracle was inconclusive or not applicable.
// Deterministic for a given CheckOptions::seed and any thread count. No global state: callers
// may run many graphs in parallel (one engine object per thread).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"

namespace tc::oracles {

// Values index arrays of counts (campaign summaries): new verdicts go at the end.
enum class Verdict : std::uint8_t { agree, mismatch, inconclusive, error_raised, unverified };
inline constexpr int kVerdictCount = 5;
inline constexpr Verdict kAllVerdicts[kVerdictCount] = {Verdict::agree, Verdict::mismatch, Verdict::inconclusive,
                                                       Verdict::error_raised, Verdict::unverified};
const char* verdict_name(Verdict);
std::optional<Verdict> verdict_from_name(std::string_view);

struct CheckOptions {
  std::uint64_t seed = 0;     // random directions and the rounding probe of every oracle
  int threads = 1;            // OpenMP threads inside each oracle; 0 = the OpenMP default
  eut::InputValues inputs;    // overrides; inputs not listed take their graph Init
  bool forward_values = true;  // the engine's own values (forward_values.hpp)
  bool finite_differences = true;
  bool complex_step = true;
  bool forward_mode = true;
  bool second_order = true;   // when the second-order oracle is built
  // Finite differences and complex step check every element when the graph's floating inputs
  // hold at most this many elements in all, else a few random directions per source: each
  // element costs them an evaluation of the whole graph, so per element a check grows as N².
  std::int64_t per_element_limit = 512;
};

// What the engine's run did, in a few numbers.
struct RunSummary {
  std::int64_t values = 0;          // values the run defined
  std::int64_t gradient_calls = 0;  // gradient() calls executed
  std::int64_t results = 0;         // gradient results (one per source per call)
  std::int64_t none_results = 0;
  std::optional<eut::RaisedError> error;  // the error the engine raised, if any
  std::vector<std::string> warnings;      // the engine's warnings (a some-None optimizer step, R14)
};

// The verdict of one (gradient, source) pair. `source` is empty for a finding about a whole
// gradient() call (a call the engine should not have made, a wrong number of results).
struct SourceVerdict {
  int gradient = 0;       // execution order, as RunResult::gradients
  std::string target, source;
  Verdict verdict = Verdict::inconclusive;
  std::string engine_value;  // "f64[3]", "None", or "" when the engine did not get there
  std::string why_none;      // the engine's words for its None, if any
  // The finding that decides the verdict: the worst mismatch; else the agreeing finding of
  // the most precise oracle (complex step, forward mode, second order, finite differences,
  // connectivity — connectivity first when the engine's answer is None); else the first
  // inconclusive one. For `unverified`: the connectivity oracle's agreement, and `detail`
  // says why no numerical oracle judged the value.
  std::string oracle;
  std::string detail;
  double max_rel_error = 0, max_abs_error = 0, tolerance = 0;
};

struct CheckReport {
  std::string engine;
  RunSummary run;
  std::vector<Finding> findings;       // every oracle's, oracle by oracle, in a fixed order
  std::vector<SourceVerdict> sources;  // by gradient, then source order
  Verdict verdict = Verdict::inconclusive;  // the graph's: mismatch > error_raised >
                                            // inconclusive > unverified > agree
  std::vector<std::string> oracles_run;
};

// Runs `engine` on `g` (valid: see graph/validate.hpp) and every oracle on the result. Never
// throws for what the graph or engine does: an engine that throws gives error_raised (kind
// "engine_threw"), an oracle that throws an inconclusive finding naming the failure.
CheckReport check_graph(const graph::Graph& g, eut::EngineUnderTest& engine, const CheckOptions& options);

// The combination rule above, for a list of findings of one (gradient, source): `not_reached`
// if the engine stopped before the call, `value` if its result is a value (not None).
Verdict combine(const std::vector<const Finding*>& findings, bool not_reached, bool value);

// Whether a finding is a numerical oracle's (everything but the connectivity oracle).
bool is_numerical(const Finding& f);

}  // namespace tc::oracles
