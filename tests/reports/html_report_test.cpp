// reports/html_report: a self-contained, escaped, deterministic report, written whole or not at
// all. The findings section has its own test (html_findings_test.cpp).
#include "reports/html_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "reports/graph_dot.hpp"
#include "report_fixture.hpp"
#include "test_util.hpp"

namespace tc::reports {
namespace {

using test::corpus_graph;

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

HtmlOptions no_drawings() {
  HtmlOptions opt;
  opt.draw_graphs = false;
  return opt;
}

const FindingsLog& fixture() {
  static const FindingsLog log = test::report_fixture();
  return log;
}

TEST(HtmlEscape, EscapesMarkupAndBadUtf8) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("d\xc3\xa9j\xe0 vu"), "d\xc3\xa9j\xef\xbf\xbd vu");  // é kept, a lone byte replaced
  EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(html_escape("line\nnext\t"), "line\nnext\t");
}

TEST(HtmlReport, HasEverySection) {
  const std::string html = render_html(fixture(), no_drawings());
  for (const char* section : {"id=\"summary\"", "id=\"mismatches\"", "id=\"errors\"", "id=\"inconclusive\"",
                              "id=\"coverage\"", "id=\"graphs\"", "id=\"sensitivity\"",
                              "Findings per oracle and outcome", "Op coverage", "Campaign"})
    EXPECT_TRUE(contains(html, section)) << section;
  EXPECT_TRUE(contains(html, "<!DOCTYPE html>"));
  EXPECT_EQ(count(html, "<script>"), 1u);
}

TEST(HtmlReport, FetchesNothing) {
  const std::string html = render_html(fixture());
  EXPECT_TRUE(contains(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
  for (const char* fetch : {"<link", "src=", "@import", "url(", "<img", "<iframe", "http://", "https://"}) {
    // Graphviz's SVG declares its XML namespaces; a namespace is a name, not a fetch.
    std::string rest = std::regex_replace(html, std::regex(R"(xmlns(:xlink)?="http://www\.w3\.org/[0-9]+/[a-z]+")"), "");
    EXPECT_FALSE(contains(rest, fetch)) << fetch;
  }
}

TEST(HtmlReport, SummaryShowsCampaignVerdictsAndSensitivity) {
  const std::string html = render_html(fixture(), no_drawings());
  // Campaign runs with their duration and rates.
  EXPECT_TRUE(contains(html, "reference engine"));
  EXPECT_TRUE(contains(html, "0.4 s"));
  EXPECT_FALSE(contains(html, "does not say how long the campaign took"));
  // One bar per oracle with findings.
  EXPECT_EQ(count(html, "<div class=\"bar\">"), 5u);
  // The sensitivity matrix: the mutants by their descriptions, the one never run said so.
  EXPECT_TRUE(contains(html, "None turned into zero"));
  EXPECT_TRUE(contains(html, "tensorflow#26808"));
  EXPECT_TRUE(contains(html, "not run"));
  EXPECT_TRUE(contains(html, "<td class=\"hit\">"));
}

TEST(HtmlReport, WithoutOptionalDataSaysWhatIsMissing) {
  FindingsLog log = fixture();
  log.campaign_info = {};
  for (FindingRecord& f : log.findings) f.evidence = {};
  const std::string html = render_html(log, no_drawings());
  EXPECT_TRUE(contains(html, "does not say how long the campaign took"));
  EXPECT_TRUE(contains(html, "no per-entry values"));
  EXPECT_FALSE(contains(html, "step sweep"));
  // Several engines still give the engine x oracle matrix.
  EXPECT_TRUE(contains(html, "id=\"sensitivity\""));
}

TEST(HtmlReport, ErrorsShowOriginAndHints) {
  const std::string html = render_html(fixture(), no_drawings());
  const std::size_t errors = html.find("id=\"errors\"");
  const std::string section = html.substr(errors, html.find("</section>", errors) - errors);
  EXPECT_TRUE(contains(section, "corpus/graphs/stop_gradient_only_path.tcg"));
  EXPECT_FALSE(contains(section, "(unnamed)"));
  EXPECT_TRUE(contains(section, "<code>--memory-limit</code>"));
  EXPECT_TRUE(contains(section, "<code>--graph-timeout</code>"));
}

TEST(HtmlReport, EveryGraphRowLinksItsTcgAndWhyNone) {
  const FindingsLog& log = fixture();
  const std::string html = render_html(log, no_drawings());
  for (const GraphRecord& g : log.graphs) {
    const std::string row = "<tr id=\"row-" + std::to_string(g.id) + "\">";
    ASSERT_TRUE(contains(html, row)) << row;
    const std::size_t at = html.find(row);
    const std::string tr = html.substr(at, html.find("</tr>", at) - at);
    EXPECT_TRUE(contains(tr, "id=\"tcg-row-" + std::to_string(g.id) + "\"")) << g.id;
    EXPECT_TRUE(contains(tr, "tapecheck replay --engine ")) << g.id;
    if (g.run.none_results > 0) {
      EXPECT_TRUE(contains(tr, "why None")) << g.id;
    }
  }
}

TEST(HtmlReport, Deterministic) {
  const FindingsLog& log = fixture();
  EXPECT_EQ(render_html(log), render_html(log));
  FindingsLog plain = log;  // what survives the log's JSON today: no evidence
  plain.campaign_info = {};
  for (FindingRecord& f : plain.findings) f.evidence = {};
  EXPECT_EQ(render_html(plain, no_drawings()), render_html(parse_findings_log(to_jsonl(plain), "x"), no_drawings()));
}

TEST(HtmlReport, EscapesEverythingFromTheLog) {
  FindingsLog log = fixture();
  const std::string evil = "<script>alert(1)</script>";
  for (GraphRecord& g : log.graphs) {
    g.name = evil;
    g.origin = evil;
    g.engine = evil;
    for (auto& s : g.sources) s.why_none = evil;
  }
  log.graphs[4].minimal_tcg = "# " + evil + "\n";
  for (FindingRecord& f : log.findings) {
    f.finding.detail += evil;
    f.finding.oracle += evil;
  }
  log.graphs[0].run.error = eut::RaisedError{eut::ErrorKind::other, evil, {1, 1}};
  log.campaign_info.mutants[0].description = evil;
  log.campaign_info.runs[0].label = evil;
  HtmlOptions opt;
  opt.title = evil;
  opt.source = evil;
  const std::string html = render_html(log, opt);
  EXPECT_EQ(count(html, "<script"), 1u);
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(contains(html, "minimized graph"));
}

TEST(HtmlReport, MissingGraphvizIsSaidNotFatal) {
  HtmlOptions opt;
  opt.dot_command = "/nonexistent/dot";
  const std::string html = render_html(fixture(), opt);
  EXPECT_TRUE(contains(html, "was not found"));
  EXPECT_FALSE(contains(html, "class=\"graph-drawing\""));
}

TEST(HtmlReport, EmptyLog) {
  const std::string html = render_html(FindingsLog{});
  EXPECT_TRUE(contains(html, "0 graphs checked"));
  EXPECT_TRUE(contains(html, "No oracle found a gradient that disagrees"));
  EXPECT_TRUE(contains(html, "No mismatch"));
}

TEST(HtmlReport, InconsistentLogRendersWithoutCrashing) {
  // A finding of a graph the log does not have (only code can build this; the parser refuses it).
  FindingsLog log = fixture();
  FindingRecord stray = log.findings.front();
  stray.graph = 999;
  stray.finding.outcome = oracles::Outcome::mismatch;
  log.findings.push_back(stray);
  EXPECT_TRUE(contains(render_html(log, no_drawings()), "</html>"));
}

TEST(HtmlReport, WriteFailsCleanly) {
  test::TempDir dir;
  EXPECT_THROW(write_html_report(dir.file("missing/report.html"), FindingsLog{}), ReportError);
  write_html_report(dir.file("report.html"), FindingsLog{});
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"report.html"});
  // A target that cannot be replaced (a directory) is left as it was, with nothing beside it.
  std::filesystem::create_directory(dir.file("taken.html"));
  EXPECT_THROW(write_html_report(dir.file("taken.html"), fixture()), ReportError);
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("taken.html")));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"report.html", "taken.html"}));
}

TEST(HtmlReport, MalformedOrTruncatedLogWritesNoReport) {
  // What `tapecheck report` does: read, then write. A bad log stops at the read with FILE:LINE,
  // so no report (not even a partial one) replaces the old.
  test::TempDir dir;
  const std::string good = to_jsonl(fixture());
  const std::string truncated = good.substr(0, good.size() / 2);
  const int last_line = static_cast<int>(std::count(truncated.begin(), truncated.end(), '\n')) + 1;
  {
    std::ofstream(dir.file("old.html")) << "old report";
    std::ofstream(dir.file("cut.jsonl")) << truncated;
  }
  try {
    write_html_report(dir.file("old.html"), read_findings_log(dir.file("cut.jsonl")));
    ADD_FAILURE() << "a truncated log was read";
  } catch (const ReportError& e) {
    EXPECT_TRUE(contains(e.what(), dir.file("cut.jsonl") + ":" + std::to_string(last_line) + ":")) << e.what();
  }
  EXPECT_EQ(test::slurp(dir.file("old.html")), "old report");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"cut.jsonl", "old.html"}));
}

// A soak's log is larger than memory allows (10^6 graphs: 9.4 GB, more than 20 GB read whole):
// the report reads it condensed — agreeing graphs beyond those it lists keep no .tcg, and their
// agreeing findings are counted, not kept — and writes the very page the whole log gives.
TEST(HtmlReport, ACondensedLogGivesTheSameReport) {
  test::TempDir dir;
  write_findings_log(dir.file("log.jsonl"), fixture());
  HtmlOptions opt = no_drawings();
  opt.max_listed = 1;
  const FindingsLog whole = read_findings_log(dir.file("log.jsonl"));
  const FindingsLog condensed = read_findings_log_for_report(dir.file("log.jsonl"), 1);
  EXPECT_LT(condensed.findings.size(), whole.findings.size());
  EXPECT_GT(condensed.omitted.count, 0);
  EXPECT_EQ(condensed.finding_count(), whole.findings.size());
  std::size_t without_tcg = 0;
  for (const GraphRecord& g : condensed.graphs) without_tcg += g.tcg.empty();
  EXPECT_GT(without_tcg, 0u);
  EXPECT_TRUE(render_html(condensed, opt) == render_html(whole, opt));  // (EXPECT_EQ would print two pages)
}

TEST(HtmlReport, TenThousandFindingsStayLight) {
  // 10^4 mismatches in 2500 graphs: groups collapse, caps apply and say what they left out.
  FindingsLog big;
  const FindingsLog& base = fixture();
  const GraphRecord& model = base.graphs[4];  // the scaled engine on broadcasting_add
  std::vector<FindingRecord> model_findings;
  for (const FindingRecord& f : base.findings)
    if (f.graph == model.id) model_findings.push_back(f);
  while (big.findings.size() < 10000) {
    GraphRecord g = model;
    g.id = static_cast<int>(big.graphs.size());
    g.engine = "mutant:" + std::to_string(g.id % 40);
    big.graphs.push_back(g);
    for (FindingRecord f : model_findings) {
      f.graph = g.id;
      f.finding.outcome = oracles::Outcome::mismatch;
      big.findings.push_back(f);
    }
  }
  const std::string html = render_html(big, no_drawings());
  EXPECT_LT(html.size(), 4u << 20);
  EXPECT_TRUE(contains(html, "more not listed (the findings log has them all)"));
  EXPECT_TRUE(contains(html, "more are in the findings log"));
  EXPECT_LE(count(html, "<tr id=\"row-"), 600u);
}

}  // namespace
}  // namespace tc::reports
