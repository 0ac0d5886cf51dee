// reports/html_report and reports/graph_dot: a self-contained, escaped, deterministic report.
#include "reports/html_report.hpp"

#include <gtest/gtest.h>

#include "reports/graph_dot.hpp"
#include "test_util.hpp"

namespace tc::reports {
namespace {

using test::corpus_graph;

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// A log with one agreeing corpus graph and one mismatching graph (a wrong engine).
FindingsLog mixed_log() {
  FindingsLog log;
  auto engine = eut::make_reference_engine();
  const graph::Graph ok = corpus_graph("broadcasting_add");
  append(log, ok, oracles::check_graph(ok, *engine, {}), "corpus/graphs/broadcasting_add.tcg", 0);
  test::ScaledEngine scaled(1.01);
  const graph::Graph bad = corpus_graph("non_trainable_variable");
  append(log, bad, oracles::check_graph(bad, scaled, {}), "corpus/graphs/non_trainable_variable.tcg", 0);
  test::NoneEngine none;
  const graph::Graph r = corpus_graph("round_in_loss");
  append(log, r, oracles::check_graph(r, none, {}), "corpus/graphs/round_in_loss.tcg", 0);
  return log;
}

TEST(HtmlEscape, EscapesMarkupAndBadUtf8) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("d\xc3\xa9j\xe0 vu"), "d\xc3\xa9j\xef\xbf\xbd vu");  // é kept, a lone byte replaced
  EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(html_escape("line\nnext\t"), "line\nnext\t");
}

TEST(HtmlReport, HasEverySectionAndNoScripts) {
  HtmlOptions opt;
  opt.draw_graphs = false;
  const std::string html = render_html(mixed_log(), opt);
  for (const char* section : {"id=\"summary\"", "id=\"mismatches\"", "id=\"errors\"", "id=\"inconclusive\"",
                              "id=\"coverage\"", "id=\"graphs\"", "Findings per oracle and outcome",
                              "Op coverage"})
    EXPECT_TRUE(contains(html, section)) << section;
  EXPECT_TRUE(contains(html, "<!DOCTYPE html>"));
  EXPECT_TRUE(contains(html, "<style>"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "<link"));
  EXPECT_FALSE(contains(html, "src="));
  EXPECT_FALSE(contains(html, "@import"));
  EXPECT_FALSE(contains(html, "url("));
}

TEST(HtmlReport, MismatchShowsNumbersGraphAndNoneExplanation) {
  HtmlOptions opt;
  opt.draw_graphs = false;
  const FindingsLog log = mixed_log();
  const std::string html = render_html(log, opt);
  // The scaled engine's mismatch: the graph's text, the engine-vs-oracle sentence, the numbers.
  EXPECT_TRUE(contains(html, "id=\"graph-1\""));
  EXPECT_TRUE(contains(html, html_escape(log.graphs[1].tcg)));
  EXPECT_TRUE(contains(html, "max |engine − oracle|"));
  EXPECT_TRUE(contains(html, "tolerance"));
  EXPECT_TRUE(contains(html, "disagree; worst"));
  // The None engine's mismatch: its words and the connectivity oracle's prediction.
  EXPECT_TRUE(contains(html, "None mismatch"));
  EXPECT_TRUE(contains(html, "this engine never computes gradients"));
  EXPECT_TRUE(contains(html, "where a value is predicted"));
  // Coverage lists table ops, used or not.
  EXPECT_TRUE(contains(html, "<code>stop_gradient</code>"));
  EXPECT_TRUE(contains(html, "class=\"uncovered\""));
}

TEST(HtmlReport, Deterministic) {
  const FindingsLog log = mixed_log();
  EXPECT_EQ(render_html(log), render_html(log));
  EXPECT_EQ(render_html(log), render_html(parse_findings_log(to_jsonl(log), "x")));
}

TEST(HtmlReport, EscapesEverythingFromTheLog) {
  FindingsLog log = mixed_log();
  const std::string evil = "<script>alert(1)</script>";
  log.graphs[1].name = evil;
  log.graphs[1].origin = evil;
  log.graphs[1].engine = evil;
  log.graphs[1].minimal_tcg = "# " + evil + "\n";
  for (FindingRecord& f : log.findings) f.finding.detail += evil;
  for (auto& s : log.graphs[2].sources) s.why_none = evil;
  log.graphs[0].run.error = eut::RaisedError{eut::ErrorKind::other, evil, {1, 1}};
  HtmlOptions opt;
  opt.title = evil;
  opt.source = evil;
  const std::string html = render_html(log, opt);
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(contains(html, "minimal graph (.tcg)"));
}

TEST(HtmlReport, MissingGraphvizIsSaidNotFatal) {
  HtmlOptions opt;
  opt.dot_command = "/nonexistent/dot";
  const std::string html = render_html(mixed_log(), opt);
  EXPECT_TRUE(contains(html, "was not found"));
  EXPECT_FALSE(contains(html, "<svg"));
}

TEST(HtmlReport, DrawsMismatchingGraphsWithGraphviz) {
  if (!have_executable("dot")) GTEST_SKIP() << "Graphviz dot is not installed";
  const std::string html = render_html(mixed_log());
  EXPECT_TRUE(contains(html, "<svg"));
  EXPECT_TRUE(contains(html, "</svg>"));
  EXPECT_FALSE(contains(html, "<?xml"));
  EXPECT_FALSE(contains(html, "<!DOCTYPE svg"));
  EXPECT_FALSE(contains(html, "<script"));
}

TEST(HtmlReport, EmptyLog) {
  const std::string html = render_html(FindingsLog{});
  EXPECT_TRUE(contains(html, "0 graphs checked"));
  EXPECT_TRUE(contains(html, "No oracle found a gradient that disagrees"));
}

TEST(HtmlReport, WriteFailsCleanly) {
  test::TempDir dir;
  EXPECT_THROW(write_html_report(dir.file("missing/report.html"), FindingsLog{}), ReportError);
  write_html_report(dir.file("report.html"), FindingsLog{});
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"report.html"});
}

TEST(GraphDot, EveryCorpusGraphDraws) {
  for (const std::string& name : test::corpus_names()) {
    SCOPED_TRACE(name);
    const std::string dot = graph_to_dot(corpus_graph(name), {"%loss"});
    EXPECT_EQ(dot.rfind("digraph ", 0), 0u);
    EXPECT_EQ(dot.back(), '\n');
    if (have_executable("dot")) {
      const SvgResult svg = render_svg(dot);
      EXPECT_TRUE(svg.ok()) << svg.error;
      EXPECT_EQ(svg.svg.rfind("<svg", 0), 0u);
    }
  }
  const std::string cond = graph_to_dot(corpus_graph("cond_on_tensor"));
  EXPECT_TRUE(contains(cond, "label=\"then\""));
  EXPECT_TRUE(contains(cond, "record t"));
  EXPECT_TRUE(contains(graph_to_dot(corpus_graph("while_loop")), "label=\"loop\""));
}

TEST(GraphDot, MissingDotIsAnErrorValue) {
  const SvgResult svg = render_svg("digraph g {}", "/nonexistent/dot");
  EXPECT_FALSE(svg.ok());
  EXPECT_TRUE(contains(svg.error, "was not found"));
  EXPECT_FALSE(have_executable(""));
}

}  // namespace
}  // namespace tc::reports
