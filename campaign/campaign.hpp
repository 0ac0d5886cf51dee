// The campaign driver: every graph of a campaign (jobs.hpp) checked in its own worker process
// (process_pool.hpp), its record appended to DIR/findings.jsonl as soon as it and every graph
// before it are done — so the file holds graphs in order and is byte-identical for a seed
// whatever the thread count — then DIR/report.html written from the log.
//
// Stops: all graphs done (the log gets its trailer); SIGINT/SIGTERM (stop_signals.hpp: no new
// graph, running workers killed, the report written from what completed); the time limit (no
// new graph; running ones finish); no more processes; a failed log write (a full disk: the log
// stays valid up to its last graph). Every stop but the first leaves a log without trailer that
// resume_campaign() continues; the finished log is then the one an uninterrupted run writes.
#pragma once
#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "campaign/graph_worker.hpp"
#include "campaign/options.hpp"
#include "oracles/check_all.hpp"

namespace tc::campaign {

// How this run goes; nothing here changes the log.
struct RunSettings {
  std::string out_dir = "out/campaign";
  int threads = 0;          // workers at a time; 0 = one per core
  double time_limit = 0;    // seconds after which no new graph starts; 0 = none
  bool verbose = false;     // each worker prints its graph's verdict and time to stderr
  std::string dot = "dot";  // Graphviz, for the report's drawings
  std::string label;        // what a person calls this run in the report ("" = the engine's name)
};

// Where a run is, for a progress display. Counts cover the whole log, earlier runs included.
struct Progress {
  std::size_t done = 0;          // graphs in the log
  std::size_t planned = 0;       // graphs in the campaign
  std::size_t resumed_from = 0;  // graphs already in the log when this run started
  std::size_t running = 0;       // workers now
  std::size_t mismatches = 0;    // graphs with a mismatch
  std::size_t crashes = 0;       // graphs whose worker crashed
  std::size_t timeouts = 0;      // graphs whose worker was killed for time
  double elapsed = 0;            // seconds since this run started
  // The ops the latest graphs use, most used first: (op, graphs using it) out of op_mix_graphs.
  std::vector<std::pair<std::string, int>> op_mix;
  std::size_t op_mix_graphs = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

enum class Stop : std::uint8_t { complete, interrupted, time_limit, out_of_processes, write_failed };

struct CampaignResult {
  Stop stop = Stop::complete;
  int signal = 0;                 // Stop::interrupted: the signal
  std::string error;              // Stop::write_failed, out_of_processes: what went wrong
  std::string report_error;       // the report could not be written (the log stands)
  std::size_t planned = 0, done = 0, resumed_from = 0;
  std::size_t corpus_done = 0, generated_done = 0;
  std::array<int, oracles::kVerdictCount> verdicts{};  // graphs by oracles::Verdict
  // Gradient results (one per gradient() call and source) by their verdict, and how many of
  // them the engine returned as a value (not None) and as None.
  std::array<int, oracles::kVerdictCount> result_verdicts{};
  int value_results = 0, none_results = 0;
  int crashed = 0, timed_out = 0;
  std::size_t findings = 0;
  std::map<std::string, std::array<int, 4>> per_oracle;  // findings by oracles::Outcome
  double seconds = 0;             // this run
  int threads = 0;
  std::string log_path, report_path;
  CampaignOptions options;
};

// Runs a new campaign into settings.out_dir (replacing a log there). InputError (before any
// graph runs) for a bad corpus or an unusable output directory.
CampaignResult run_campaign(const CampaignOptions& options, const EngineFactory& make_engine,
                            const RunSettings& settings, const ProgressFn& progress = {});

// The options recorded in the log in `dir` (what resume_campaign will continue), so that the
// caller can resolve options.engine to a factory. InputError if there is no campaign log.
CampaignOptions recorded_options(const std::string& dir);

// Continues the campaign whose log is in settings.out_dir: graphs from the first one missing.
// A complete log is left as it is (only the report is rewritten). InputError if the corpus no
// longer gives the graphs the log holds.
CampaignResult resume_campaign(const CampaignOptions& options, const EngineFactory& make_engine,
                               const RunSettings& settings, const ProgressFn& progress = {});

// DIR/findings.jsonl and DIR/report.html.
std::string log_path(const std::string& dir);
std::string report_path(const std::string& dir);

// Where the campaign saves a graph a person should replay (a mismatch or an error), relative
// to its output directory: graphs/graph-ID.tcg, or graphs/graph-ID.min.tcg for a minimal one.
std::string saved_graph_file(int id, bool minimal);

}  // namespace tc::campaign
