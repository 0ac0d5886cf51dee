// `tapecheck report FINDINGS.jsonl... [-o report.html] [--dot CMD] [--no-drawings]`: the HTML
// report of one findings log, complete or interrupted, or of several as one (the main job's
// reference run and injected-fault run; reports/merge_logs.hpp). Exit 0 when written; 2 for an
// unreadable or malformed log (FILE:line: message) or an unwritable output (nothing
// half-written is left).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "reports/findings_log.hpp"
#include "reports/html_report.hpp"
#include "reports/merge_logs.hpp"
#include "reports/report_model.hpp"

namespace tc::cli {

namespace {

namespace fs = std::filesystem;

// Where a log's saved graphs are seen from the report's directory: its own directory.
std::string graphs_dir(const std::string& log_path, const std::string& report_path) {
  const fs::path log_dir = fs::absolute(log_path).parent_path();
  const fs::path report_dir = fs::absolute(report_path).parent_path();
  const fs::path rel = log_dir.lexically_relative(report_dir);
  return rel.empty() || rel == "." ? "" : rel.string();
}

int mismatching_graphs(const reports::FindingsLog& log, const reports::CampaignRun& run) {
  int n = 0;
  for (int id = run.first_graph; id < run.first_graph + run.graphs && id < static_cast<int>(log.graphs.size()); ++id)
    n += log.graphs[static_cast<std::size_t>(id)].verdict == oracles::Verdict::mismatch;
  return n;
}

}  // namespace

void register_report(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write the self-contained HTML report of findings logs (several: one report)");
  auto log_paths = std::make_shared<std::vector<std::string>>();
  auto out_path = std::make_shared<std::string>("report.html");
  auto dot = std::make_shared<std::string>("dot");
  cmd->add_option("FINDINGS", *log_paths,
                  "Findings logs (JSON lines, docs/findings_log.md); several are reported as one, each campaign "
                  "run labelled")
      ->required();
  cmd->add_option("-o,--output", *out_path, "The HTML file to write (default report.html)");
  cmd->add_option("--dot", *dot, "The Graphviz dot command that draws graphs (default dot)");
  auto* no_drawings = cmd->add_flag("--no-drawings", "Do not draw graphs with Graphviz");
  cmd->callback([=] {
    guarded([&] {
      reports::HtmlOptions options;
      std::vector<reports::LogPart> parts;
      for (const std::string& path : *log_paths)
        parts.push_back({reports::read_findings_log_for_report(path, static_cast<std::size_t>(options.max_listed)),
                         graphs_dir(path, *out_path)});
      const reports::FindingsLog log = reports::merge_logs(std::move(parts));
      for (const std::string& path : *log_paths) options.source += (options.source.empty() ? "" : ", ") + path;
      options.dot_command = *dot;
      options.draw_graphs = !*no_drawings;
      reports::write_html_report(*out_path, log, options);
      int mismatches = 0;
      for (const reports::GraphRecord& g : log.graphs) mismatches += g.verdict == oracles::Verdict::mismatch;
      const std::size_t groups = reports::group_findings(log).size();
      std::cout << "wrote " << *out_path << " (" << log.graphs.size() << " graphs, " << log.finding_count()
                << " findings, " << mismatches << " with a mismatch, " << groups << " finding group"
                << (groups == 1 ? "" : "s") << ")\n";
      if (log_paths->size() > 1)
        for (const reports::CampaignRun& run : reports::campaign_runs(log))
          std::cout << "  " << (run.label.empty() ? run.engine : run.label) << ": " << run.graphs << " graphs, "
                    << mismatching_graphs(log, run) << " with a mismatch\n";
      if (!log.complete)
        std::cout << "the log is incomplete: its campaign was interrupted after " << log.graphs.size()
                  << (log.campaign.contains("planned") ? " of " + log.campaign["planned"].dump() : std::string())
                  << " graphs\n";
      return kExitOk;
    });
  });
}

}  // namespace tc::cli
