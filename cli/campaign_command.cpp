// `tapecheck campaign [options]` and `tapecheck campaign --resume DIR`: parses the options,
// shows progress and prints the summary; the campaign itself is campaign/campaign.hpp. Exit 0
// no mismatch, 1 a mismatch, 2 bad input or an unwritable output (a full disk), 130/143
// stopped by SIGINT/SIGTERM (docs/cli.md).
#include <signal.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "campaign/campaign.hpp"
#include "campaign/jobs.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "eut/engines.hpp"
#include "cli/progress.hpp"
#include "oracles/check_all.hpp"

namespace tc::cli {

namespace {

using campaign::CampaignResult;
using campaign::Stop;

struct Args {
  campaign::CampaignOptions options;
  campaign::RunSettings settings;
  std::string resume;  // DIR of the campaign to continue
  bool quiet = false, json = false;
};

const char* stop_name(Stop s) {
  switch (s) {
    case Stop::complete: return "complete";
    case Stop::interrupted: return "interrupted";
    case Stop::time_limit: return "time_limit";
    case Stop::out_of_processes: return "out_of_processes";
    case Stop::write_failed: return "write_failed";
  }
  return "?";
}

std::string signal_name(int s) { return s == SIGINT ? "SIGINT" : s == SIGTERM ? "SIGTERM" : "signal " + std::to_string(s); }

int exit_code(const CampaignResult& r) {
  if (r.stop == Stop::interrupted) return 128 + r.signal;
  if (r.stop == Stop::write_failed || !r.report_error.empty()) return kExitBadInput;
  return r.verdicts[static_cast<int>(oracles::Verdict::mismatch)] > 0 ? kExitMismatch : kExitOk;
}

std::string fixed1(double v) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << v;
  return s.str();
}

// How the run ended, in one line ("complete", "interrupted by SIGINT after 57 of 110 graphs").
std::string ending(const CampaignResult& r) {
  const std::string of = std::to_string(r.done) + " of " + std::to_string(r.planned) + " graphs";
  switch (r.stop) {
    case Stop::complete: return "complete: " + of;
    case Stop::interrupted: return "interrupted by " + signal_name(r.signal) + " after " + of;
    case Stop::time_limit: return "stopped by --time-limit after " + of;
    case Stop::out_of_processes: return "stopped after " + of + ": " + r.error;
    case Stop::write_failed: return "stopped after " + of + ": " + r.error;
  }
  return of;
}

void print_table(std::ostream& out, const CampaignResult& r) {
  const auto& v = r.verdicts;
  const std::size_t here = r.done - r.resumed_from;
  out << "Campaign (seed " << r.options.seed << ", engine " << r.options.engine << "): " << ending(r) << "\n";
  out << "  this run   " << here << " graphs in " << fixed1(r.seconds) << " s ("
      << fixed1(r.seconds > 0 ? static_cast<double>(here) / r.seconds : 0) << " graphs/s), " << r.threads
      << (r.threads == 1 ? " worker" : " workers") << (r.resumed_from ? ", resumed at graph " + std::to_string(r.resumed_from) : "") << "\n";
  out << "  graphs     " << r.corpus_done << " corpus, " << r.generated_done << " generated\n";
  using oracles::Verdict;
  auto n = [](const std::array<int, oracles::kVerdictCount>& a, Verdict x) { return a[static_cast<std::size_t>(x)]; };
  out << "  verdicts   " << n(v, Verdict::agree) << " agree, " << n(v, Verdict::mismatch) << " mismatch, "
      << n(v, Verdict::unverified) << " unverified, " << n(v, Verdict::inconclusive) << " inconclusive, "
      << n(v, Verdict::error_raised) << " error raised (" << r.crashed << " crashed, " << r.timed_out << " timed out)\n";
  const auto& rv = r.result_verdicts;
  out << "  results    " << r.value_results + r.none_results << " (" << r.value_results << " values, " << r.none_results
      << " None): " << n(rv, Verdict::agree) << " agree, " << n(rv, Verdict::mismatch) << " mismatch, "
      << n(rv, Verdict::unverified) << " unverified (a value no numerical oracle checked), " << n(rv, Verdict::inconclusive)
      << " inconclusive, " << n(rv, Verdict::error_raised) << " not reached\n";
  out << "  findings   " << r.findings << "\n";
  if (!r.per_oracle.empty()) {
    std::size_t w = 6;
    for (const auto& [oracle, c] : r.per_oracle) w = std::max(w, oracle.size());
    auto cell = [](const std::string& s, std::size_t width) {
      return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
    };
    // Each column wide enough for its header and its largest count, two spaces apart (a soak's
    // counts run to seven digits).
    std::array<std::size_t, 4> width{8, 10, 14, 6};
    for (const auto& [oracle, c] : r.per_oracle)
      for (std::size_t k = 0; k < width.size(); ++k) width[k] = std::max(width[k], std::to_string(c[k]).size() + 2);
    out << "    " << "oracle" << std::string(w - 6, ' ') << cell("agree", width[0]) << cell("mismatch", width[1])
        << cell("inconclusive", width[2]) << cell("n/a", width[3]) << "\n";
    for (const auto& [oracle, c] : r.per_oracle)
      out << "    " << oracle << std::string(w - oracle.size(), ' ') << cell(std::to_string(c[0]), width[0])
          << cell(std::to_string(c[1]), width[1]) << cell(std::to_string(c[2]), width[2])
          << cell(std::to_string(c[3]), width[3]) << "\n";
  }
  out << "  log        " << r.log_path << (r.stop == Stop::complete ? "" : " (valid; no trailer: interrupted)") << "\n";
  out << "  report     " << (r.report_error.empty() ? r.report_path : "not written: " + r.report_error) << "\n";
  if (r.stop != Stop::complete) {
    std::string dir = r.log_path.substr(0, r.log_path.rfind('/'));
    out << "  continue   tapecheck campaign --resume " << dir << "\n";
  }
}

// {"agree": n, "mismatch": n, ...}: counts by verdict, every verdict named.
nlohmann::json by_verdict(const std::array<int, oracles::kVerdictCount>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (oracles::Verdict v : oracles::kAllVerdicts) j[oracles::verdict_name(v)] = counts[static_cast<std::size_t>(v)];
  return j;
}

nlohmann::json summary_json(const CampaignResult& r) {
  using nlohmann::json;
  json per_oracle = json::object();
  for (const auto& [oracle, c] : r.per_oracle)
    per_oracle[oracle] = {{"agree", c[0]}, {"mismatch", c[1]}, {"inconclusive", c[2]}, {"not_applicable", c[3]}};
  return {{"status", stop_name(r.stop)},
          {"signal", r.stop == Stop::interrupted ? json(signal_name(r.signal)) : json(nullptr)},
          {"error", r.error.empty() ? json(nullptr) : json(r.error)},
          {"seed", r.options.seed},
          {"engine", r.options.engine},
          {"planned", r.planned},
          {"done", r.done},
          {"resumed_from", r.resumed_from},
          {"corpus", r.corpus_done},
          {"generated", r.generated_done},
          {"verdicts", by_verdict(r.verdicts)},
          {"results",
           {{"values", r.value_results}, {"none", r.none_results}, {"verdicts", by_verdict(r.result_verdicts)}}},
          {"crashed", r.crashed},
          {"timed_out", r.timed_out},
          {"findings", r.findings},
          {"per_oracle", per_oracle},
          {"seconds", r.seconds},
          {"threads", r.threads},
          {"log", r.log_path},
          {"report", r.report_error.empty() ? json(r.report_path) : json(nullptr)},
          {"report_error", r.report_error.empty() ? json(nullptr) : json(r.report_error)},
          {"exit_code", exit_code(r)}};
}

int run(const Args& a) {
  std::unique_ptr<ProgressDisplay> display;
  if (!a.quiet) display = std::make_unique<ProgressDisplay>(::isatty(STDERR_FILENO) == 1);
  campaign::ProgressFn progress;
  if (display) progress = [&](const campaign::Progress& p) { display->update(p); };
  CampaignResult r;
  if (a.resume.empty()) {
    r = campaign::run_campaign(a.options, engine_factory(a.options.engine), a.settings, progress);
  } else {
    const campaign::CampaignOptions recorded = campaign::recorded_options(a.resume);
    campaign::RunSettings settings = a.settings;
    settings.out_dir = a.resume;
    r = campaign::resume_campaign(recorded, engine_factory(recorded.engine), settings, progress);
  }
  display.reset();
  if (a.json)
    std::cout << summary_json(r).dump(2) << "\n";
  else if (!a.quiet)
    print_table(std::cout, r);
  if (r.stop == Stop::write_failed) std::cerr << r.error << "\n";
  if (!r.report_error.empty()) std::cerr << r.report_error << "\n";
  return exit_code(r);
}

}  // namespace

void register_campaign(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "campaign", "Check the corpus and N random graphs on an engine (--engine, default reference); write a findings log as graphs "
                  "complete and an HTML report. Exit 0 no mismatch, 1 mismatch, 2 bad input, 130/143 interrupted");
  auto a = std::make_shared<Args>();
  campaign::CampaignOptions& o = a->options;
  campaign::RunSettings& s = a->settings;
  std::vector<CLI::Option*> recorded;  // what --resume reads from the log instead
  recorded.push_back(cmd->add_option("--graphs", o.graphs, "Random graphs to generate (default 100)")
                         ->check(whole_number(0, 1000000)));
  recorded.push_back(cmd->add_option("--seed", o.seed, "Seed of the generated graphs and of the oracles (default 0)")
                         ->check(seed_number()));
  recorded.push_back(cmd->add_option("--out", s.out_dir, "Output directory (default out/campaign)"));
  cmd->add_option("--threads", s.threads, "Graphs checked in parallel, one process each (0 = all cores)")
      ->check(whole_number(0, 1024));
  cmd->add_option("--time-limit", s.time_limit,
                  "Seconds after which no new graph starts (0 = none, the default); the summary says where it "
                  "stopped and --resume continues")
      ->check(real_number(0, 1e7));
  recorded.push_back(cmd->add_option("--graph-timeout", o.graph_timeout,
                                     "Seconds one graph may take (check and shrinking) before its worker is killed "
                                     "(default 10)")
                         ->check(real_number(0.01, 1e7)));
  recorded.push_back(cmd->add_option("--memory-limit", o.memory_limit_mb,
                                     "Address space each worker may take beyond what it maps at fork, in MB (0 = "
                                     "none; default 2048)")
                         ->check(whole_number(0, 1 << 24)));
  recorded.push_back(cmd->add_option("--engine", o.engine,
                                     "The engine under test: reference (default), mutant:<name>, libtorch, "
                                     "plugin:<path.so> (tapecheck engines lists them)"));
  recorded.push_back(cmd->add_option("--focus-op", o.focus_op,
                                     "Every generated graph contains this op (default: each op of the table in turn)"));
  recorded.push_back(cmd->add_option_function<std::string>(
      "--shard",
      [&o](const std::string& text) {
        try {
          campaign::parse_shard(text, o);
        } catch (const campaign::InputError& e) {
          throw CLI::ValidationError(e.what());
        }
      },
      "Check shard I of N (I/N, 0 <= I < N): the graphs at positions i with i mod N == I. N shards with the "
      "same options check the whole campaign between them; tapecheck report merges their logs"));
  recorded.push_back(cmd->add_option("--corpus", o.corpus, "Directory of .tcg graphs checked first (default corpus/graphs)"));
  recorded.push_back(
      cmd->add_option("--max-size", o.max_size, "Largest generator size parameter (default 40)")->check(whole_number(1, 100)));
  recorded.push_back(cmd->add_option("--shrink-budget", o.shrink_budget,
                                     "Checks spent shrinking each mismatching graph (0 = no shrinking; default 150)")
                         ->check(whole_number(0, 1000000)));
  auto* resume = cmd->add_option("--resume", a->resume,
                                 "Continue the interrupted campaign in DIR with the options its log records");
  for (CLI::Option* opt : recorded) resume->excludes(opt);
  cmd->add_option("--label", s.label,
                  "What the report calls this run (default: the engine's name), e.g. \"injected fault: ...\"");
  cmd->add_flag("--verbose", s.verbose, "Print each graph's origin, verdict and time to stderr");
  cmd->add_flag("--quiet", a->quiet, "No progress display and no summary: only errors (and --json)");
  cmd->add_flag("--json", a->json, "Print the summary as one JSON object on stdout");
  cmd->add_option("--dot", s.dot, "The Graphviz dot command for the report's drawings (default dot)");
  cmd->callback([a] {
    guarded([&] {
      if (a->resume.empty() && a->options.corpus.empty()) a->options.corpus = campaign::default_corpus();
      // The log's header keeps the corpus for --resume, which may run from another directory
      // (a soak resumed from its own directory met "corpus/graphs: no such corpus directory").
      if (a->resume.empty() && !a->options.corpus.empty())
        a->options.corpus = std::filesystem::absolute(a->options.corpus).lexically_normal().string();
      return run(*a);
    });
  });
}

}  // namespace tc::cli
