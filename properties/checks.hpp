// What the properties share: preparing a generated (or shrunk) graph for a check — inputs, the
// engine's run, and the preconditions that make a shrunk candidate meaningful — and small
// comparisons of runs. Use inside a RapidCheck property: prepare() discards (RC_DISCARD)
// graphs that cannot be judged and fails (RC_FAIL) on an engine error nobody predicted.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "graph/validate.hpp"
#include "oracles/finding.hpp"
#include "oracles/finite_difference.hpp"
#include "oracles/tolerance.hpp"

namespace tc::properties {

// Runs the engine on `g` in a forked child process and reports whether it returned normally:
// within `seconds`, growing by less than `max_rss` bytes of resident memory beyond what the
// test process held at the fork, without throwing and without an
// std::bad_alloc error. An engine that loops or allocates without bound on some graph then
// fails one property quickly instead of stalling the suite or exhausting the machine.
// Empty string: it returned; else what went wrong.
std::string run_returns(eut::EngineUnderTest& engine, const graph::Graph& g, const eut::InputValues& inputs,
                        double seconds = 20, long max_rss = 1L << 30);

struct Case {
  graph::Graph graph;
  graph::ValueSpecs specs;
  eut::InputValues inputs;  // every input, materialised from its Init
  eut::RunResult run;       // the engine's run
};

// Preconditions, in order (each failure discards the case):
//   - the graph validates;
//   - the engine returns at all (run_returns, in a child process) — if not, the property
//     fails;
//   - the engine ran; if it raised, the connectivity oracle predicts an error too (with
//     `allow_predicted_errors` the case is returned with run.error set instead); an error
//     nobody predicted fails the property;
//   - every executed op's operands lie in their domains (concrete.hpp, margins halved) and the
//     forward values are finite — a shrink edit may move values onto a pole or a kink.
Case prepare(const graph::Graph& g, eut::EngineUnderTest& engine, bool allow_predicted_errors = false);

// Oracle options used by every property: one thread (cases are many and small; P7 checks that
// the thread count changes nothing), projection mode for sources above `kFullFdElements`.
inline constexpr int kFullFdElements = 12;
oracles::FdOptions fd_options(const graph::Graph& g, const graph::ValueSpecs& specs);

// The findings about gradient *values*: drops those on results the connectivity oracle
// predicts to be R7 zero fills (unconnected=zero where None is due). A zero fill is not a
// derivative; P2/P3 judge it. P3 also checks that the numerical oracles accept zero fills.
std::vector<oracles::Finding> on_values(const std::vector<oracles::Finding>& findings, const Case& c);

// Whether the connectivity oracle predicts source `source` (IR name) of gradient statement
// `gradient` (execution order) to be an R7 zero fill.
bool zero_filled(const Case& c, int gradient, const std::string& source);

// The tolerance context (oracles/tolerance.hpp) of gradient statement `gradient`: the
// objective's when the numerical oracles can prepare it, else a conservative one from the
// whole graph (the least precise floating dtype, every op counted in the depth, the largest
// tolerance_factor).
oracles::ToleranceContext tolerance_context(const Case& c, int gradient);

// The mismatches among `findings`, one line each ("" if none).
std::string mismatches(const std::vector<oracles::Finding>& findings);

// Logs the mismatches (RC_LOG) and asserts there are none (RC_ASSERT).
void assert_no_mismatch(const std::vector<oracles::Finding>& findings);

// Bitwise equality of two runs' gradient results (None sets, dtypes, shapes, values) and
// errors; `why` says what differs.
bool same_gradients(const eut::RunResult& a, const eut::RunResult& b, std::string* why);

// The Gradient statements of `g` in pre-order (record/stop_recording blocks entered; cond and
// while blocks are not, the generator never puts gradients there).
std::vector<const graph::Gradient*> gradient_statements(const graph::Graph& g);

}  // namespace tc::properties
