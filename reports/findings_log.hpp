// The findings log: JSON lines, one object per line (docs/findings_log.md). A header line, then
// for each graph checked one "graph" object followed by its "finding" objects. The campaign
// writes it, `tapecheck report` and the HTML report read it. Written atomically (temp file +
// rename); the same log content always prints to the same bytes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/ir.hpp"
#include "oracles/check_all.hpp"
#include "oracles/finding.hpp"
#include "reports/atomic_file.hpp"
#include "reports/report_data.hpp"

namespace tc::reports {

inline constexpr const char* kLogFormat = "tapecheck-findings";
inline constexpr int kLogVersion = 1;

// One checked graph.
struct GraphRecord {
  int id = 0;               // position in the log, 0-based; findings refer to it
  std::string name;         // the graph's name ("" if it has none)
  std::string origin;       // where it came from: a file path, "generated seed=... index=..."
  std::string engine;       // EngineUnderTest::name()
  std::uint64_t seed = 0;   // CheckOptions::seed
  std::string tcg;          // the graph, canonical .tcg text
  std::string minimal_tcg;  // a reduced graph with the same verdict, "" if none was made
  std::vector<std::string> ops;  // op-table ops the graph uses, sorted, unique
  oracles::Verdict verdict = oracles::Verdict::inconclusive;
  oracles::RunSummary run;       // run.error: the error the engine raised, if any
  std::vector<std::string> oracles_run;
  std::vector<oracles::SourceVerdict> sources;
  GraphAnnotations annotations;  // optional, for the HTML report (reports/report_data.hpp)
};

struct FindingRecord {
  int graph = 0;  // GraphRecord::id
  oracles::Finding finding;
  FindingEvidence evidence;  // optional, for the HTML report (reports/report_data.hpp)
};

struct FindingsLog {
  std::vector<GraphRecord> graphs;       // by id
  std::vector<FindingRecord> findings;   // grouped by graph, in the order written
  CampaignInfo campaign;                 // optional, for the HTML report (reports/report_data.hpp)
};

// The ops of `g` (every OpStmt, in every block), sorted and unique.
std::vector<std::string> ops_used(const graph::Graph& g);

// A record of `report` for `g`, with id `id`.
GraphRecord make_record(int id, const graph::Graph& g, const oracles::CheckReport& report,
                        std::string origin, std::uint64_t seed);

// Appends `report` (its graph record and findings) to `log`; returns the graph's id.
int append(FindingsLog& log, const graph::Graph& g, const oracles::CheckReport& report,
           std::string origin, std::uint64_t seed);

nlohmann::json to_json(const GraphRecord& r);
nlohmann::json to_json(const FindingRecord& r);

// The whole log as JSON-lines text (ends with a newline).
std::string to_jsonl(const FindingsLog& log);

// Writes to_jsonl(log) to `path` atomically; ReportError on failure (the target untouched).
void write_findings_log(const std::string& path, const FindingsLog& log);

// Parses JSON-lines text; `name` prefixes error messages: ReportError("<name>:<line>: <what>").
// Blank lines are skipped; unknown keys are ignored; unknown record types, missing or
// mistyped required fields, and findings of graphs not yet seen are errors.
FindingsLog parse_findings_log(std::string_view text, const std::string& name);

// Reads and parses a file.
FindingsLog read_findings_log(const std::string& path);

}  // namespace tc::reports
