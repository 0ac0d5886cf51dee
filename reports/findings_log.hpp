// The findings log: JSON lines, one object per line (docs/findings_log.md). A header line, then
// for each graph checked one "graph" object followed by its "finding" objects, then a trailer
// line when the log is complete. A campaign appends each graph as it completes
// (LogAppender); a log without its trailer was interrupted and is still readable up to its
// last whole graph. `tapecheck report` and the HTML report read it. The same log content
// always prints to the same bytes.
#pragma once
#include <cstdint>
#include <map>
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
inline constexpr int kLogVersion = 2;  // 2: campaign header, finding_count, trailer
// A finding's per-entry values are written up to this many entries (docs/report.md): above it
// the report's heat map would not show them all anyway, and a log line stays small.
inline constexpr std::size_t kMaxLoggedEntries = 4096;

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
  int omitted_findings = 0;      // its findings a log read for a report left out (counted there)
};

struct FindingRecord {
  int graph = 0;  // GraphRecord::id
  oracles::Finding finding;
  FindingEvidence evidence;  // optional, for the HTML report (reports/report_data.hpp)
};

// The findings a log read for a report left out (read_findings_log_for_report), counted.
struct OmittedFindings {
  std::map<std::string, std::map<oracles::Outcome, std::int64_t>> per_oracle;
  std::int64_t count = 0;
};

struct FindingsLog {
  std::vector<GraphRecord> graphs;       // by id
  std::vector<FindingRecord> findings;   // grouped by graph, in the order written
  OmittedFindings omitted;               // none unless read for a report
  // Every finding of the log: those kept and those omitted.
  std::size_t finding_count() const { return findings.size() + static_cast<std::size_t>(omitted.count); }
  // The header's "campaign" object: what a campaign was started with, so that it can be
  // resumed (campaign/options.hpp reads it); null for logs not written by a campaign.
  nlohmann::json campaign;
  // Whether the log ends with its trailer. A log made in memory is complete; a log read
  // without a trailer was interrupted (version-1 logs, which were written whole, are complete).
  bool complete = true;
  CampaignInfo campaign_info;            // optional, for the HTML report (reports/report_data.hpp)
};

// The ops of `g` (every OpStmt, in every block), sorted and unique.
std::vector<std::string> ops_used(const graph::Graph& g);

// A record of `report` for `g`, with id `id`.
GraphRecord make_record(int id, const graph::Graph& g, const oracles::CheckReport& report,
                        std::string origin, std::uint64_t seed);

// Appends `report` (its graph record and findings, with their evidence: finding_evidence.hpp)
// to `log`; returns the graph's id.
int append(FindingsLog& log, const graph::Graph& g, const oracles::CheckReport& report,
           std::string origin, std::uint64_t seed);

nlohmann::json to_json(const GraphRecord& r);
nlohmann::json to_json(const FindingRecord& r);

// The whole log as JSON-lines text (ends with a newline): header, graphs with their findings,
// and the trailer if log.complete.
std::string to_jsonl(const FindingsLog& log);

// One graph's lines: its record (with "finding_count") and its findings, which must all
// belong to it. to_jsonl and LogAppender write graphs with this.
std::string graph_lines(const GraphRecord& graph, const std::vector<FindingRecord>& findings);

// Writes to_jsonl(log) to `path` atomically; ReportError on failure (the target untouched).
void write_findings_log(const std::string& path, const FindingsLog& log);

// Parses JSON-lines text; `name` prefixes error messages: ReportError("<name>:<line>: <what>").
// Blank lines are skipped; unknown keys are ignored; unknown record types, missing or
// mistyped required fields, findings of graphs not yet seen and records after the trailer are
// errors. A log without a trailer reads as interrupted (complete = false). A torn end — a last
// line cut short, or a last graph with fewer findings than its finding_count, which only a
// write killed half-way leaves — is an error at that line saying how to repair it
// (LogAppender::resume drops the torn graph instead).
FindingsLog parse_findings_log(std::string_view text, const std::string& name);

// Reads and parses a file, a line at a time.
FindingsLog read_findings_log(const std::string& path);

// The header's "campaign" object (null if it has none), from the log's first line alone: what
// `campaign --resume` needs before it reads the graphs. ReportError as read_findings_log for a
// file that is not a findings log.
nlohmann::json read_log_campaign(const std::string& path);

// Reads a log for the HTML report, in memory that grows with what the report shows rather than
// with the log (a 10^6-graph soak's log is 9.4 GB; read whole it took more than 20 GB and the
// campaign died writing its report): a graph from id `whole_graphs` on whose verdict is agree
// keeps its record without its .tcg texts, annotations and the details of its agreeing
// results, and its agree and not_applicable findings are counted in `omitted`, not kept.
// Everything else is read as read_findings_log reads it, with the same errors.
FindingsLog read_findings_log_for_report(const std::string& path, std::size_t whole_graphs);

// A findings log written while a campaign runs: the header at creation, each graph's lines in
// one write when it is appended, the trailer at finish(). A write that fails (a full disk, a
// file size limit) is undone — the file is cut back to its last whole graph — and throws
// ReportError; the appender then refuses further writes. So the file is a valid log at every
// moment, interrupted until finish().
class LogAppender {
 public:
  // Creates `path` (replacing any file there) holding the header with `campaign` (may be null)
  // and the mutant engines the log's graphs ran on (may be empty).
  static LogAppender create(const std::string& path, const nlohmann::json& campaign,
                            const std::vector<MutantInfo>& mutants = {});
  // Opens the log at `path` to continue it: reads it into `log`, cuts its torn end off the file.
  // A complete log is left as it is (log.complete; append() and finish() then throw). With
  // `condense_from`, `log` is condensed from that graph on as read_findings_log_for_report's
  // (a long campaign's log does not fit in memory whole).
  static LogAppender resume(const std::string& path, FindingsLog& log,
                            std::optional<std::size_t> condense_from = std::nullopt);

  LogAppender(LogAppender&& other) noexcept;
  LogAppender& operator=(LogAppender&&) = delete;
  ~LogAppender();

  // The id the next graph must have: the number of graphs in the file.
  int next_id() const { return graphs_; }
  const std::string& path() const { return path_; }
  // Appends `graph` (id next_id()) and its findings. `durable`: fsync before returning, for the
  // graphs one cannot afford to lose (a mismatch, a crash).
  void append(const GraphRecord& graph, const std::vector<FindingRecord>& findings, bool durable);
  // Writes the trailer, with how the campaign's runs went (may be empty), and fsyncs: the log
  // is complete.
  void finish(const std::vector<CampaignRun>& runs = {});

 private:
  LogAppender(std::string path, int fd, std::uint64_t size, int graphs, std::size_t findings, bool done);
  void write_lines(const std::string& text, bool durable);

  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;  // bytes of whole records in the file
  int graphs_ = 0;
  std::size_t findings_ = 0;
  bool done_ = false;  // trailer written (or a write failed): nothing more may be appended
};

}  // namespace tc::reports
