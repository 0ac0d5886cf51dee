// reports/html_findings: one collapsible group per signature; its representative with the
// drawing, the numbers side by side, the step sweep, why None, the .tcg and the command.
#include "reports/html_findings.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "reports/graph_dot.hpp"
#include "report_fixture.hpp"

namespace tc::reports::html {
namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

const FindingsLog& fixture() {
  static const FindingsLog log = test::report_fixture();
  return log;
}

std::string section(const FindingsLog& log, const HtmlOptions& opt) {
  const std::vector<FindingGroup> groups = group_findings(log);
  std::ostringstream h;
  write_findings_section(h, groups, index_log(log, groups, opt), opt);
  return h.str();
}

// The HTML of group `n` (1-based).
std::string group_html(const std::string& html, int n) {
  const std::size_t at = html.find("id=\"group-" + std::to_string(n) + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</details>", at) - at);
}

HtmlOptions no_drawings() {
  HtmlOptions opt;
  opt.draw_graphs = false;
  return opt;
}

TEST(HtmlFindings, OneCollapsibleGroupPerSignature) {
  const std::vector<FindingGroup> groups = group_findings(fixture());
  const std::string html = section(fixture(), no_drawings());
  EXPECT_EQ(count(html, "<details class=\"group "), groups.size());
  EXPECT_EQ(count(html, " open>"), 1u);  // the worst group starts open, the rest collapsed
  EXPECT_TRUE(contains(group_html(html, 1), " open>"));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string g = group_html(html, static_cast<int>(i) + 1);
    EXPECT_TRUE(contains(g, "data-kind=\"" + std::string(kind_name(groups[i].kind)) + "\""));
    EXPECT_TRUE(contains(g, "data-oracle=\"" + groups[i].oracle + "\""));
    EXPECT_TRUE(contains(g, "data-count=\"" + std::to_string(groups[i].members.size()) + "\""));
    EXPECT_TRUE(contains(g, reproduce_command(*groups[i].members.front().graph)));
  }
  // Filters offer what the groups hold.
  EXPECT_TRUE(contains(html, "<option value=\"mutant:growing_error\">"));
  EXPECT_TRUE(contains(html, "<option value=\"unexpected_none\">"));
  EXPECT_TRUE(contains(html, "<option value=\"tanh\">"));
}

TEST(HtmlFindings, WrongValueShowsEntriesHeatMapAndSweep) {
  const std::string html = section(fixture(), no_drawings());
  const std::vector<FindingGroup> groups = group_findings(fixture());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].members.front().graph->name != "tanh_matrix" || groups[i].oracle != "finite_difference") continue;
    const std::string g = group_html(html, static_cast<int>(i) + 1);
    EXPECT_TRUE(contains(g, "48 elements"));
    EXPECT_TRUE(contains(g, "<svg class=\"heat\""));
    EXPECT_EQ(count(g, "<tr class=\"bad\">") + count(g, "<td class=\"nw\">within</td>"), 12u);  // 12 rows listed
    EXPECT_TRUE(contains(g, "The 12 worst of 48 elements are listed"));
    EXPECT_TRUE(contains(g, "<svg class=\"plot\""));
    EXPECT_TRUE(contains(g, "step sweep"));
    EXPECT_TRUE(contains(g, "[5, 7]"));  // a 2-D index
    return;
  }
  FAIL() << "no finite-difference group on tanh_matrix";
}

TEST(HtmlFindings, NoneMismatchShowsBothSides) {
  const std::string html = section(fixture(), no_drawings());
  const std::vector<FindingGroup> groups = group_findings(fixture());
  bool none = false, value = false;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string g = group_html(html, static_cast<int>(i) + 1);
    if (groups[i].kind == FindingKind::unexpected_none) {
      none = true;
      EXPECT_TRUE(contains(g, "The engine returned <code>None</code>"));
      EXPECT_TRUE(contains(g, "this engine never computes gradients"));
      EXPECT_TRUE(contains(g, "The connectivity oracle predicts"));
    }
    if (groups[i].kind == FindingKind::unexpected_value) {
      value = true;
      EXPECT_TRUE(contains(g, "It gave no reason."));
      EXPECT_TRUE(contains(g, "Cut at <code>r</code> (round, input 0): non-differentiable"));
    }
  }
  EXPECT_TRUE(none && value);
}

TEST(HtmlFindings, TcgAndCommandAreThereWithoutScripts) {
  const std::string html = section(fixture(), no_drawings());
  const FindingGroup first = group_findings(fixture()).front();
  const GraphRecord& g = *first.members.front().graph;
  EXPECT_TRUE(contains(html, "<code id=\"cmd-g1\">" + html_escape(reproduce_command(g)) + "</code>"));
  EXPECT_TRUE(contains(html, "<pre class=\"tcg\" id=\"tcg-g1\">" + html_escape(shown_tcg(g)) + "</pre>"));
  EXPECT_TRUE(contains(html, "data-save=\"tcg-g1\" data-name=\"" + html_escape(replay_file(g)) + "\""));
  // The buttons need scripts: they are marked so, and hidden until scripts run.
  EXPECT_EQ(count(html, "<button type=\"button\" class=\"copy js-only\""), count(html, "data-copy="));
}

TEST(HtmlFindings, DrawsOneGraphPerGroupUpToTheCap) {
  if (!have_executable("dot")) GTEST_SKIP() << "Graphviz dot is not installed";
  const std::size_t groups = group_findings(fixture()).size();
  HtmlOptions opt;
  std::string html = section(fixture(), opt);
  EXPECT_EQ(count(html, "<figure class=\"graph-drawing\"><svg"), groups);
  opt.max_drawn = 2;
  html = section(fixture(), opt);
  EXPECT_EQ(count(html, "<figure class=\"graph-drawing\"><svg"), 2u);
  EXPECT_EQ(count(html, "Not drawn: only the first 2 groups are drawn"), groups - 2);
}

// A finding whose evidence names the path at fault: the drawing and its caption change to it;
// without one, every source→target path is drawn.
TEST(HtmlFindings, ThePathAtFaultIsDrawnWhenTheEvidenceNamesIt) {
  if (!have_executable("dot")) GTEST_SKIP() << "Graphviz dot is not installed";
  FindingsLog log = fixture();
  const std::string before = group_html(section(log, HtmlOptions{}), 1);
  EXPECT_TRUE(contains(before, "the path between them"));
  const std::vector<FindingGroup> groups = group_findings(log);
  const FindingRecord* shown = groups.front().members.front().record;
  for (FindingRecord& r : log.findings)
    if (&r == shown) r.evidence.path = {shown->finding.source, shown->finding.target};
  const std::string after = group_html(section(log, HtmlOptions{}), 1);
  EXPECT_TRUE(contains(after, "the path at fault")) << after.substr(0, 400);
  EXPECT_FALSE(contains(after, "the path between them"));
  EXPECT_NE(before, after);
}

TEST(HtmlFindings, CapsSayWhatTheyLeaveOut) {
  FindingsLog log = fixture();
  // The scaled engine's broadcasting_add mismatches, 30 times over: one group of many members.
  const GraphRecord model = log.graphs[4];
  std::vector<FindingRecord> extra;
  for (const FindingRecord& f : log.findings)
    if (f.graph == model.id) extra.push_back(f);
  for (int k = 0; k < 30; ++k) {
    GraphRecord g = model;
    g.id = static_cast<int>(log.graphs.size());
    log.graphs.push_back(g);
    for (FindingRecord f : extra) {
      f.graph = g.id;
      log.findings.push_back(f);
    }
  }
  HtmlOptions opt = no_drawings();
  opt.max_members = 5;
  opt.max_groups = 3;
  const std::string html = section(log, opt);
  EXPECT_EQ(count(html, "<details class=\"group "), 3u);
  EXPECT_TRUE(contains(html, "more groups ("));
  EXPECT_TRUE(contains(html, "more not listed (the findings log has them all)"));
}

}  // namespace
}  // namespace tc::reports::html
