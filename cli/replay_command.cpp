// `tapecheck replay FILE.tcg [--json] [--seed N] [--threads T] [--time-limit S] [--memory-limit MB]`:
// every oracle on one graph against the reference engine, one verdict line per (gradient,
// source). Exit 0: no mismatch; 1: a mismatch; 2: bad input (FILE:line:col: message); 4: a
// limit or a crash stopped the check.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "eut/engine_under_test.hpp"
#include "oracles/check_all.hpp"
#include "reports/findings_log.hpp"

namespace tc::cli {

namespace {

std::string location_text(const graph::Location& at) {
  if (at.line <= 0) return "";
  return " at " + std::to_string(at.line) + (at.column > 0 ? ":" + std::to_string(at.column) : "");
}

// What a verdict line says after the oracle's name.
std::string verdict_text(const oracles::SourceVerdict& s, const oracles::RunSummary& run) {
  using oracles::Verdict;
  if (s.verdict == Verdict::error_raised && run.error)
    return "not reached: the engine raised " + std::string(eut::error_kind_phrase(run.error->kind)) + location_text(run.error->at) +
           ": " + run.error->message;
  if (s.engine_value == "None" && s.verdict != Verdict::mismatch)
    return "None: " + (s.why_none.empty() ? s.detail : s.why_none);
  if (s.oracle == "connectivity" || s.verdict == Verdict::inconclusive || s.verdict == Verdict::unverified)
    return s.detail;
  // Both absolute: a relative error beside an absolute tolerance read as a ratio of the two.
  return "max error " + fmt_num(s.max_abs_error) + " (relative " + fmt_num(s.max_rel_error) + "), tolerance " +
         fmt_num(s.tolerance) + " at the worst entry";
}

}  // namespace

void print_verdicts(std::ostream& out, const oracles::CheckReport& report) {
  std::size_t width = 7;  // "(call)" for a finding about a whole call or an optimizer step, and a space
  for (const oracles::SourceVerdict& s : report.sources)
    width = std::max(width, pct(s.source).size() + 1);
  for (const oracles::SourceVerdict& s : report.sources) {
    out << "  [" << s.gradient << "] " << std::left << std::setw(static_cast<int>(width))
        << (s.source.empty() ? "(call)" : pct(s.source)) << std::setw(13) << oracles::verdict_name(s.verdict)
        << std::setw(18) << (s.oracle.empty() ? "-" : s.oracle) << verdict_text(s, report.run) << "\n";
    if (s.verdict == oracles::Verdict::mismatch && s.oracle != "connectivity")
      out << "      " << s.detail << "\n";
    else if (s.verdict == oracles::Verdict::mismatch)
      out << "      " << s.detail << (s.why_none.empty() ? "" : " (the engine: " + s.why_none + ")") << "\n";
  }
}

void register_replay(CLI::App& app) {
  auto* cmd = app.add_subcommand("replay", "Run every oracle on one graph; a verdict per "
                                           "gradient and source. Exit 0 no mismatch, 1 mismatch, 2 bad input, 4 "
                                           "stopped by a limit");
  auto file = std::make_shared<std::string>();
  auto seed = std::make_shared<std::uint64_t>(0);
  auto threads = std::make_shared<int>(0);
  auto limits = std::make_shared<CheckLimits>();
  cmd->add_option("FILE", *file, "A .tcg graph (or a JSON graph, *.json)")->required();
  auto* json = cmd->add_flag("--json", "Print one JSON object: the graph record and its findings");
  cmd->add_option("--seed", *seed, "Seed of the oracles' random directions (default 0)")->check(seed_number());
  cmd->add_option("--threads", *threads, "OpenMP threads per oracle (0 = the OpenMP default)")
      ->check(whole_number(0, 1024));
  add_limit_options(*cmd, *limits);
  auto engine_name = std::make_shared<std::string>("reference");
  add_engine_option(cmd, *engine_name);
  cmd->callback([=] {
    guarded([&] {
      const graph::Graph g = load_graph(*file);
      // The check runs in a worker: the limits hold, and a crashing engine cannot take the
      // command down with it.
      const eut::EngineFactory factory = engine_factory(*engine_name);
      return run_limited(*file, *limits, [&](std::ostream& out) {
        auto engine = factory();
        oracles::CheckOptions options;
        options.seed = *seed;
        options.threads = *threads;
        const oracles::CheckReport report = oracles::check_graph(g, *engine, options);
        if (*json) {
          reports::FindingsLog log;
          reports::append(log, g, report, *file, *seed);
          nlohmann::json j = reports::to_json(log.graphs.front());
          j["findings"] = nlohmann::json::array();
          for (const reports::FindingRecord& f : log.findings) j["findings"].push_back(reports::to_json(f));
          out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
          out << *file << ": graph " << (g.name.empty() ? "(unnamed)" : g.name) << " on engine " << report.engine
              << ", seed " << *seed << "\n";
          if (report.run.error)
            out << "  the engine raised " << eut::error_kind_phrase(report.run.error->kind)
                << location_text(report.run.error->at) << ": " << report.run.error->message << "\n";
          for (const std::string& w : report.run.warnings) out << "  the engine warned: " << w << "\n";
          print_verdicts(out, report);
          int counts[oracles::kVerdictCount] = {};
          for (const oracles::SourceVerdict& s : report.sources) ++counts[static_cast<int>(s.verdict)];
          auto count = [&](oracles::Verdict v) { return counts[static_cast<int>(v)]; };
          using oracles::Verdict;
          out << "verdict: " << oracles::verdict_name(report.verdict) << " (" << report.sources.size()
              << " results: " << count(Verdict::agree) << " agree, " << count(Verdict::mismatch) << " mismatch, "
              << count(Verdict::unverified) << " unverified, " << count(Verdict::inconclusive) << " inconclusive, "
              << count(Verdict::error_raised) << " not reached; " << report.findings.size() << " findings)\n";
        }
        return report.verdict == oracles::Verdict::mismatch ? kExitMismatch : kExitOk;
      });
    });
  });
}

}  // namespace tc::cli
