// scripts/main.sh, the README's first command, run as it is (with the tapecheck just built
// instead of building one): its report holds both of its runs, labelled — the reference
// engine and the injected fault — and, opened in headless Chromium, shows the injected fault's
// findings grouped, each group drawn, with the finite-difference step sweep.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "chromium.hpp"
#include "reports/findings_log.hpp"
#include "reports/merge_logs.hpp"
#include "reports/report_model.hpp"

namespace tc::reports {
namespace {

namespace fs = std::filesystem;
using test::contains;
using test::count;
using test::quote;

// Runs `command`; its exit status and stdout.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {-1, out};
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(MainJob, TheReportHoldsBothRunsAndDrawsTheInjectedFaultsFindings) {
  const std::string out = std::string(TAPECHECK_BROWSER_ARTIFACTS) + "/main-job";
  fs::remove_all(out);
  const auto [status, printed] = run(quote(std::string(TAPECHECK_SOURCE_DIR) + "/scripts/main.sh") + " --out " +
                                     quote(out) + " --tapecheck " + quote(TAPECHECK_BIN) + " 2>&1");
  ASSERT_EQ(status, 0) << printed;
  const std::string report = out + "/report.html";
  EXPECT_TRUE(contains(printed, "Report: ")) << printed;
  EXPECT_TRUE(contains(printed, "reference engine: ")) << printed;
  EXPECT_TRUE(contains(printed, "injected fault: ")) << printed;

  // The logs, merged as `tapecheck report` merges them: two labelled runs, the fault's mismatches.
  std::vector<LogPart> parts;
  for (const char* run_dir : {"reference", "injected-fault"})
    parts.push_back({read_findings_log(out + "/" + run_dir + "/findings.jsonl"), run_dir});
  const FindingsLog log = merge_logs(std::move(parts));
  const std::vector<CampaignRun> runs = campaign_runs(log);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].label, "reference engine");
  EXPECT_EQ(runs[0].engine, "reference");
  EXPECT_EQ(runs[1].label.rfind("injected fault: ", 0), 0u) << runs[1].label;
  EXPECT_EQ(runs[1].engine.rfind("mutant:", 0), 0u) << runs[1].engine;
  EXPECT_EQ(runs[1].first_graph, runs[0].graphs);
  EXPECT_TRUE(runs[0].duration_s && runs[1].duration_s);
  const std::vector<FindingGroup> groups = group_findings(log);
  ASSERT_GE(groups.size(), 1u) << "the injected fault was not found";
  for (const FindingGroup& g : groups) EXPECT_EQ(g.engines, std::vector<std::string>{runs[1].engine}) << g.signature();

  const std::string chromium = test::find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "no Chromium found: the main job's report was not opened in a browser";
  const std::string dom = test::run_chromium(chromium, "--dump-dom " + quote("file://" + fs::absolute(report).string()));
  ASSERT_TRUE(contains(dom, "</html>"));
  EXPECT_TRUE(contains(dom, "<html lang=\"en\" class=\"js\""));  // the page's script ran
  // Both runs in the campaign table, by their labels.
  const std::size_t table = dom.find("<table class=\"campaign\">");
  ASSERT_NE(table, std::string::npos);
  const std::string campaign = dom.substr(table, dom.find("</table>", table) - table);
  EXPECT_TRUE(contains(campaign, "<td>reference engine</td>")) << campaign;
  EXPECT_TRUE(contains(campaign, "<td>injected fault: ")) << campaign;
  // Every group on the page, each drawn by Graphviz; a wrong value with its step sweep.
  EXPECT_EQ(count(dom, "<details class=\"group "), groups.size());
  if (have_executable("dot"))
    EXPECT_EQ(count(dom, "<figure class=\"graph-drawing\"><svg"), std::min<std::size_t>(groups.size(), 30));
  else
    ADD_FAILURE() << "Graphviz dot is not installed: the drawings could not be checked";
  EXPECT_TRUE(contains(dom, "<div class=\"sweep\">"));
  EXPECT_TRUE(contains(dom, "tapecheck replay --engine " + runs[1].engine + " injected-fault/graphs/graph-"));
}

}  // namespace
}  // namespace tc::reports
