// The report's findings section: the filter bar and one collapsible group per signature, its
// representative drawn in full (graph, numbers, entries, step sweep, why None, .tcg, the
// reproduce command) and the other members listed.
#pragma once
#include <ostream>
#include <vector>

#include "reports/html_report.hpp"
#include "reports/report_model.hpp"

namespace tc::reports::html {

// Where things are in a log, by graph id.
struct LogIndex {
  std::vector<std::vector<const FindingRecord*>> findings_of;  // the graph's findings, in order
  std::vector<int> group_of;  // the first group a graph's mismatch is in, -1 if none
  // Rows of the All graphs table: the first opt.max_listed graphs and the representative of
  // every group shown. Links go to a row only when it is there.
  std::vector<bool> listed;
};
LogIndex index_log(const FindingsLog& log, const std::vector<FindingGroup>& groups, const HtmlOptions& opt);

// `label_html` linked to the graph's row of the All graphs table, or plain when it has none.
std::string row_link(const LogIndex& index, int graph, const std::string& label_html);

void write_findings_section(std::ostream& h, const std::vector<FindingGroup>& groups, const LogIndex& index,
                            const HtmlOptions& opt);

// The `.tcg` text with its save and copy buttons (the buttons appear only with scripts on).
void write_tcg_block(std::ostream& h, const GraphRecord& g, const std::string& id);

// The reproduce command, selectable as one unit, with a copy button.
void write_command(std::ostream& h, const GraphRecord& g, const std::string& id);

}  // namespace tc::reports::html
