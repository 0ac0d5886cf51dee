// What the HTML report says about a findings log, computed before any HTML is written: the
// mismatches grouped by signature and sorted by severity, the reproduce command of a graph,
// the inconclusive reasons, the campaign runs and the engine x oracle sensitivity matrix.
// Everything here is deterministic: the same log gives the same model.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reports/findings_log.hpp"

namespace tc::reports {

// --- The optional data (reports/report_data.hpp), read through these and nowhere else -------

const EntryValues* entry_values(const FindingRecord& f);  // null when the log lacks them
const StepSweep* step_sweep(const FindingRecord& f);
const CutNode* predicted_cut(const FindingRecord& f);
const std::vector<std::string>& culprit_path(const FindingRecord& f);  // empty: compute it
const std::string& saved_tcg_file(const GraphRecord& g);               // "" if not saved
const std::map<std::string, std::string>& node_values(const GraphRecord& g);
const std::string& minimal_target(const GraphRecord& g);  // "" if the log does not say
const std::string& minimal_source(const GraphRecord& g);
const std::vector<MutantInfo>& mutants(const FindingsLog& log);
// The log's campaign runs; a log without them gives one run per engine, in order of first
// appearance, with the seed of its first graph and no duration.
std::vector<CampaignRun> campaign_runs(const FindingsLog& log);

// --- Reproducing one graph ----------------------------------------------------------------

// The graph a person should look at and replay: the minimal one when the log has it.
const std::string& shown_tcg(const GraphRecord& g);
// The file the reproduce command reads: the campaign's saved copy; else the origin when it is
// a .tcg path and there is no minimal graph; else "graph-<id>.tcg" (".min.tcg" for a minimal
// one), which the report offers to save.
std::string replay_file(const GraphRecord& g);
// `tapecheck replay --engine ENGINE FILE --seed SEED` (arguments shell-quoted when needed).
std::string reproduce_command(const GraphRecord& g);

// The target and source a finding is about, in the names of the graph shown for it (a minimal
// graph may have renamed them): the log's minimal names; else the finding's when the shown
// graph defines both; else the shown graph's only gradient result; else the finding's.
struct ShownResult {
  std::string target, source;
};
ShownResult shown_result(const graph::Graph& shown, const GraphRecord& g, const FindingRecord& f);

// --- Mismatches grouped by signature --------------------------------------------------------

enum class FindingKind : std::uint8_t {
  wrong_value,      // a numerical oracle disagrees with the engine's value
  unexpected_none,  // the engine returned None where the connectivity oracle predicts a value
  unexpected_value, // the engine returned a value where the connectivity oracle predicts None
};
const char* kind_name(FindingKind);   // "wrong_value", ... (filters, URLs)
const char* kind_title(FindingKind);  // "wrong value", ... (people)

struct GroupMember {
  const GraphRecord* graph = nullptr;
  const FindingRecord* record = nullptr;
  const oracles::SourceVerdict* source = nullptr;  // its (gradient, source) verdict, null if none
};

struct FindingGroup {
  FindingKind kind = FindingKind::wrong_value;
  std::string oracle;
  std::vector<std::string> op_path;  // ops on the source-to-target path of the shown graph
  std::vector<GroupMember> members;  // the representative (the smallest graph) first, then by
                                     // relative error, largest first
  std::vector<std::string> engines;  // sorted, unique
  double worst_rel_error = 0;        // NaN if any member's is
  std::string signature() const;     // "wrong value · finite_difference · tanh → reduce_sum"
};

// Every mismatch finding, grouped by (kind, oracle, op path); groups sorted by severity: kind
// (wrong value, unexpected None, unexpected value), then the worst relative error (NaN first),
// then size, then signature.
std::vector<FindingGroup> group_findings(const FindingsLog& log);

// The ops on the source-to-target path of the graph shown for `f` (shown_tcg); the graph's
// ops when the path cannot be found.
std::vector<std::string> op_path(const GraphRecord& g, const FindingRecord& f);

// --- Summary numbers -----------------------------------------------------------------------

// Oracles in a fixed order: the known ones first, then any others by name.
std::vector<std::string> oracle_order(const FindingsLog& log);

// Why an inconclusive finding is: its reason code, else its sentence with numbers written '#'.
std::string inconclusive_reason(const FindingRecord& f);

struct ReasonCount {
  std::string oracle, reason;
  int count = 0;
  int example_graph = 0;  // the first graph it occurred in
};
// Inconclusive findings by (oracle, reason), most frequent first.
std::vector<ReasonCount> inconclusive_reasons(const FindingsLog& log);

// Which oracle caught which engine: when the log has mutants or more than one engine.
struct SensitivityRow {
  std::string engine;
  const MutantInfo* mutant = nullptr;  // its description, if the log lists it
  int graphs = 0;                      // graphs run on it
  std::map<std::string, int> caught;   // oracle -> graphs it found a mismatch in
  int first_caught = -1;               // the first graph with a mismatch, -1 if none
};
struct SensitivityMatrix {
  std::vector<std::string> oracles;
  std::vector<SensitivityRow> rows;  // engines in order of first appearance
};
SensitivityMatrix sensitivity(const FindingsLog& log);
bool shows_sensitivity(const FindingsLog& log);

}  // namespace tc::reports
