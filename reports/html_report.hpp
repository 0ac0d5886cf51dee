// The HTML report of a findings log: one self-contained file (inline CSS and inline SVG, no
// scripts, nothing fetched). Sections: summary (verdicts, findings per oracle and outcome),
// mismatches (for each: the graph's .tcg — the minimal one when the log has it — the numbers,
// the None explanation, a Graphviz drawing), errors raised, inconclusive results, op coverage,
// and every graph. All text from the log is escaped. The same log and options give the same
// bytes.
#pragma once
#include <string>

#include "reports/findings_log.hpp"

namespace tc::reports {

struct HtmlOptions {
  std::string title = "tapecheck report";
  std::string source;                // shown in the footer: where the log came from
  std::string dot_command = "dot";   // Graphviz; missing: the report says so, no drawings
  bool draw_graphs = true;
  int max_drawn = 50;                // drawings of at most this many mismatching graphs
  int max_listed = 500;              // rows of the long tables (inconclusive, all graphs)
};

std::string render_html(const FindingsLog& log, const HtmlOptions& options = {});

// render_html written atomically to `path`; ReportError on failure (the target untouched).
void write_html_report(const std::string& path, const FindingsLog& log, const HtmlOptions& options = {});

// &, <, >, " and ' as entities; invalid UTF-8 bytes as U+FFFD.
std::string html_escape(const std::string& text);

}  // namespace tc::reports
