// The HTML report of a findings log: one self-contained file — inline CSS, inline SVG and a
// small inline script, nothing fetched (a Content-Security-Policy says so). Sections: summary
// (campaign, verdicts per oracle, inconclusive rate, the engine x oracle sensitivity matrix),
// findings (mismatches grouped by signature, worst first, each group's smallest graph drawn
// with the path at fault, the numbers side by side, why None, the .tcg and the reproduce
// command; filters by engine, kind, oracle and op), errors raised (with hints about the
// campaign's limits), inconclusive results and their reasons, op coverage, and every graph.
// Works without scripts (they only filter and copy) and prints with every group expanded.
// All text from the log is escaped. The same log and options give the same bytes.
// docs/report.md describes the page and the data it reads.
#pragma once
#include <string>

#include "reports/findings_log.hpp"

namespace tc::reports {

struct HtmlOptions {
  std::string title = "tapecheck report";
  std::string source;                // shown in the footer: where the log came from
  std::string dot_command = "dot";   // Graphviz; missing: the report says so, no drawings
  bool draw_graphs = true;
  // Caps that keep a report of 10^4 findings small; each cut says how much it left out.
  int max_drawn = 30;                // finding groups drawn with Graphviz
  int max_groups = 300;              // finding groups shown
  int max_members = 12;              // rows listing the other findings of one group
  int max_entry_rows = 12;           // rows of a finding's engine-vs-oracle table
  int max_heat_cells = 1024;         // cells of a relative-error heat map
  int max_listed = 300;              // rows of the long tables (errors, inconclusive, all graphs)
};

std::string render_html(const FindingsLog& log, const HtmlOptions& options = {});

// render_html written atomically to `path`; ReportError on failure (the target untouched).
void write_html_report(const std::string& path, const FindingsLog& log, const HtmlOptions& options = {});

// &, <, >, " and ' as entities; invalid UTF-8 bytes as U+FFFD.
std::string html_escape(const std::string& text);

}  // namespace tc::reports
