// Mutation analysis: how well the suite catches real bugs. Every mutant engine (eut/mutants/)
// is checked on the random graphs a campaign with the same seed would generate — the random
// campaign alone, no hand-written witness — until the first mismatch (killed) or a budget of
// graphs (survived). A survivor is a finding about the suite: a generator, oracle or tolerance
// that let a real bug through.
//
// Mutants run in parallel, each in its own worker process (a mutant that crashes or hangs is
// a result, not the end of the run); graph i is the same graph for every mutant, so the
// results are deterministic for a seed whatever the thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "reports/findings_log.hpp"

namespace tc::campaign {

struct MutationOptions {
  std::uint64_t seed = 0;
  int budget = 1000;             // graphs per mutant before it counts as a survivor
  int max_size = 40;             // generated graph i has size 1 + 7i mod max_size
  int shrink_budget = 150;       // checks spent shrinking the killing graph
  double graph_timeout = 10;     // seconds one graph may take; a mutant's limit is budget × this
  int threads = 0;               // mutants checked at once (0 = all cores)
  std::vector<std::string> only; // mutant names to run (empty: all)
  std::string focus_op;          // every graph contains this op ("" = each op in turn)
};

struct MutantResult {
  std::string name, bug_class, sentence, mirrors;  // the mutant (eut/mutants/mutant.hpp)
  enum class End : std::uint8_t { killed, survived, crashed, timed_out } end = End::survived;
  int graphs = 0;            // graphs checked: up to and including the killing one
  double seconds = 0;        // to the kill (or to the end)
  std::vector<std::string> oracles;  // the oracles with a mismatch on the killing graph
  std::string detail;        // the worst mismatch's sentence
  std::string tcg;           // the killing graph
  std::string minimal_tcg;   // shrunk ("" if shrinking made it no smaller)
  int minimal_ops = 0;       // ops of the minimal graph (or of the killing graph)
  std::string failure;       // crashed/timed_out: what happened
  // Graphs (their origins) on which the reference engine had a mismatch too before the kill:
  // the oracles' false alarms, skipped (not kills) and reported as findings about the suite.
  std::vector<std::string> false_alarms;
  // The killing graph's record and findings, engine "mutant:<name>" (for the report).
  std::optional<reports::GraphRecord> record;
  std::vector<reports::FindingRecord> findings;
};
const char* end_name(MutantResult::End);

struct MutationProgress {
  std::size_t done = 0, total = 0, killed = 0;
  const MutantResult* last = nullptr;
};

// Every selected mutant, in catalogue order. tc::Error for an unknown name in `only`.
std::vector<MutantResult> run_mutation_analysis(const MutationOptions& options,
                                                const std::function<void(const MutationProgress&)>& progress = {});

// The results as a findings log: a header naming the mutants, the killing graph of each killed
// mutant with its findings (engine mutant:<name>). The HTML report draws its sensitivity matrix
// from it.
reports::FindingsLog mutation_log(const MutationOptions& options, const std::vector<MutantResult>& results);

// One JSON object per mutant (the `tapecheck mutants --json` form).
nlohmann::json to_json(const MutantResult& r);

}  // namespace tc::campaign
