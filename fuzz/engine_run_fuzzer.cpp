// Arbitrary bytes as .tcg, run on the reference engine and checked against the connectivity
// oracle. Asserts (docs/fuzzing.md):
//   - EngineUnderTest::run() never throws and never crashes, hangs or leaks on a valid graph
//     (an error the graph provokes is a RaisedError in the result, not an exception);
//   - check_connectivity() never throws, and finds no mismatch: the None set it predicts from
//     the graph alone equals the engine's, gradient() for gradient() (the structural oracle
//     against the engine);
//   - the run stops where the prediction says: the engine raises an error exactly when
//     predict_connectivity() predicts one, of the same kind, after the same number of
//     gradient() calls (check_connectivity calls results after an unpredicted error
//     inconclusive, so without this a run that stops early would hide every later gradient).
// Invalid text is skipped, and so are graphs over fuzz::Budget (a slow run is not a finding).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "fuzz/fuzz_common.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/finding.hpp"

namespace {
constexpr const char* kTarget = "engine_run_fuzzer";

// TAPECHECK_FUZZ_VERBOSE=1: one line per input saying what happened to it (for seeding).
const bool kVerbose = [] {
  const char* v = std::getenv("TAPECHECK_FUZZ_VERBOSE");
  return v && *v && *v != '0';
}();

void note(const std::string& s) {
  if (kVerbose) std::fprintf(stderr, "engine_run: %s\n", s.c_str());
}

std::string stop_words(const std::optional<tc::eut::ErrorKind>& kind, const std::string& message,
                       std::size_t gradients) {
  return (kind ? std::string("stops with ") + tc::eut::error_kind_phrase(*kind) + " (" + message + ")"
               : std::string("runs to the end")) +
         " after " + std::to_string(gradients) + " gradient() calls";
}

std::string describe(const tc::oracles::Finding& f) {
  return "gradient #" + std::to_string(f.gradient) + " d" + f.target + "/d" + f.source + ": " +
         f.detail;
}
}  // namespace

// Statement-level mutations keep more mutants valid (fuzz_common.hpp).
TAPECHECK_TEXT_MUTATOR()

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tc;
  graph::Graph g;
  if (fuzz::refuses(kTarget, "parse_tcg", [&] { g = graph::parse_tcg(fuzz::as_text(data, size)); })) {
    note("not a valid graph");
    return 0;
  }
  if (!fuzz::within_budget(g)) {
    note("over the budget, not run");
    return 0;
  }

  const eut::InputValues inputs;  // every input from its Init
  eut::RunResult run;
  try {
    run = eut::make_reference_engine()->run(g, inputs);
  } catch (const std::exception& e) {
    fuzz::fail(kTarget, std::string("run() threw: ") + e.what(), fuzz::printed_or_note(g));
  } catch (...) {
    fuzz::fail(kTarget, "run() threw a non-std::exception", fuzz::printed_or_note(g));
  }

  std::vector<oracles::Finding> findings;
  oracles::ConnectivityPrediction predicted;
  try {
    findings = oracles::check_connectivity(g, inputs, run);
    predicted = oracles::predict_connectivity(g, inputs);
  } catch (const std::exception& e) {
    fuzz::fail(kTarget, std::string("the connectivity oracle threw: ") + e.what(), fuzz::printed_or_note(g));
  }
  std::size_t agree = 0, inconclusive = 0;
  std::string problems;
  for (const oracles::Finding& f : findings) {
    agree += f.outcome == oracles::Outcome::agree;
    inconclusive += f.outcome == oracles::Outcome::inconclusive;
    if (f.outcome == oracles::Outcome::mismatch) problems += "  " + describe(f) + "\n";
  }
  note("ran " + std::to_string(run.gradients.size()) + " gradient() calls" +
       (run.error ? ", stopped with " + std::string(eut::error_kind_phrase(run.error->kind)) + ": " +
                        run.error->message
                  : "") +
       "; connectivity: " + std::to_string(agree) + " agree, " + std::to_string(inconclusive) +
       " inconclusive");

  const bool same_stop =
      run.error.has_value() == predicted.error.has_value() &&
      (!run.error || run.error->kind == predicted.error->kind) &&
      run.gradients.size() == predicted.gradients.size();
  if (!same_stop)
    problems +=
        "  the run does not stop where predicted: the engine " +
        stop_words(run.error ? std::optional<eut::ErrorKind>(run.error->kind) : std::nullopt,
                   run.error ? run.error->message : "", run.gradients.size()) +
        "; predicted: it " +
        stop_words(predicted.error ? std::optional<eut::ErrorKind>(predicted.error->kind) : std::nullopt,
                   predicted.error ? predicted.error->message : "", predicted.gradients.size()) +
        "\n";
  if (!problems.empty())
    fuzz::fail(kTarget, "the connectivity oracle and the reference engine disagree:\n" + problems,
               fuzz::printed_or_note(g));
  return 0;
}
