// `tapecheck report FINDINGS.jsonl [-o report.html] [--dot CMD] [--no-drawings]`: the HTML
// report of a findings log, complete or interrupted. Exit 0 when written; 2 for an unreadable or malformed log
// (FILE:line: message) or an unwritable output (nothing half-written is left).
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "reports/findings_log.hpp"
#include "reports/html_report.hpp"

namespace tc::cli {

void register_report(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write the self-contained HTML report of a findings log");
  auto log_path = std::make_shared<std::string>();
  auto out_path = std::make_shared<std::string>("report.html");
  auto dot = std::make_shared<std::string>("dot");
  cmd->add_option("FINDINGS", *log_path, "A findings log (JSON lines, docs/findings_log.md)")->required();
  cmd->add_option("-o,--output", *out_path, "The HTML file to write (default report.html)");
  cmd->add_option("--dot", *dot, "The Graphviz dot command that draws graphs (default dot)");
  auto* no_drawings = cmd->add_flag("--no-drawings", "Do not draw graphs with Graphviz");
  cmd->callback([=] {
    guarded([&] {
      const reports::FindingsLog log = reports::read_findings_log(*log_path);
      reports::HtmlOptions options;
      options.source = *log_path;
      options.dot_command = *dot;
      options.draw_graphs = !*no_drawings;
      reports::write_html_report(*out_path, log, options);
      int mismatches = 0;
      for (const reports::GraphRecord& g : log.graphs) mismatches += g.verdict == oracles::Verdict::mismatch;
      std::cout << "wrote " << *out_path << " (" << log.graphs.size() << " graphs, " << log.findings.size()
                << " findings, " << mismatches << " with a mismatch)\n";
      if (!log.complete)
        std::cout << "the log is incomplete: its campaign was interrupted after " << log.graphs.size()
                  << (log.campaign.contains("planned") ? " of " + log.campaign["planned"].dump() : std::string())
                  << " graphs\n";
      return kExitOk;
    });
  });
}

}  // namespace tc::cli
