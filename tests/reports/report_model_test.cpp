// reports/report_model: signatures, severity order, the reproduce command, inconclusive
// reasons and the sensitivity matrix.
#include "reports/report_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "report_fixture.hpp"

namespace tc::reports {
namespace {

const FindingsLog& fixture() {
  static const FindingsLog log = test::report_fixture();
  return log;
}

TEST(ReportModel, EveryMismatchIsInExactlyOneGroup) {
  const FindingsLog& log = fixture();
  const std::vector<FindingGroup> groups = group_findings(log);
  std::size_t members = 0, mismatches = 0;
  for (const FindingGroup& g : groups) members += g.members.size();
  for (const FindingRecord& f : log.findings) mismatches += f.finding.outcome == oracles::Outcome::mismatch;
  EXPECT_EQ(members, mismatches);
  ASSERT_FALSE(groups.empty());
  for (const FindingGroup& g : groups)
    for (const GroupMember& m : g.members) {
      EXPECT_EQ(m.record->finding.oracle, g.oracle);
      EXPECT_EQ(op_path(*m.graph, *m.record), g.op_path);
      ASSERT_NE(m.source, nullptr);
      EXPECT_EQ(m.source->source, m.record->finding.source);
    }
}

TEST(ReportModel, KindsAndSeverityOrder) {
  const std::vector<FindingGroup> groups = group_findings(fixture());
  std::set<FindingKind> kinds;
  for (std::size_t i = 0; i + 1 < groups.size(); ++i) {
    kinds.insert(groups[i].kind);
    EXPECT_LE(static_cast<int>(groups[i].kind), static_cast<int>(groups[i + 1].kind)) << i;
    if (groups[i].kind == groups[i + 1].kind && !std::isnan(groups[i + 1].worst_rel_error)) {
      EXPECT_GE(groups[i].worst_rel_error, groups[i + 1].worst_rel_error) << i;
    }
  }
  kinds.insert(groups.back().kind);
  // The fixture has all three: scaled values, the None engine, zeros where None is due.
  EXPECT_EQ(kinds.size(), 3u);
  for (const FindingGroup& g : groups) {
    if (g.kind == FindingKind::unexpected_none) {
      EXPECT_EQ(g.members.front().source->engine_value, "None");
    }
    if (g.kind == FindingKind::unexpected_value) {
      EXPECT_NE(g.members.front().source->engine_value, "None");
    }
    EXPECT_NE(g.signature().find(g.oracle), std::string::npos);
  }
}

TEST(ReportModel, OpPathIsThePathNotTheGraph) {
  // round_in_loss with the None engine: d loss / d b goes b -> s -> loss only.
  int checked = 0;
  for (const FindingGroup& g : group_findings(fixture()))
    for (const GroupMember& m : g.members)
      if (m.graph->name == "round_in_loss" && m.record->finding.source == "b") {
        EXPECT_EQ(g.op_path, (std::vector<std::string>{"add", "reduce_sum"}));
        ++checked;
      }
  EXPECT_GT(checked, 0);
}

TEST(ReportModel, RepresentativeIsTheSmallestGraph) {
  for (const FindingGroup& g : group_findings(fixture()))
    for (const GroupMember& m : g.members)
      EXPECT_LE(shown_tcg(*g.members.front().graph).size(), shown_tcg(*m.graph).size());
}

TEST(ReportModel, ShownResultFollowsARenamingShrinker) {
  const graph::Graph minimal = graph::parse_tcg(R"(graph m
input %v9: f64[] variable values(0.5)
tape t
record t {
  %v12 = add %v9 %v9
}
%g = grad t %v12 wrt %v9
)");
  GraphRecord g;
  g.minimal_tcg = graph::print_tcg(minimal);
  FindingRecord f;
  f.finding.target = "v12";
  f.finding.source = "x6";  // the original graph's name; the shrinker renamed it
  ShownResult r = shown_result(minimal, g, f);
  EXPECT_EQ(r.target, "v12");
  EXPECT_EQ(r.source, "v9");  // the minimal graph's only gradient result
  EXPECT_EQ(op_path(g, f), (std::vector<std::string>{"add"}));
  g.annotations.minimal_target = "v12";  // the log's word wins
  g.annotations.minimal_source = "v12";
  r = shown_result(minimal, g, f);
  EXPECT_EQ(r.source, "v12");
  f.finding.source = "v9";  // names the minimal graph has are kept
  g.annotations = {};
  EXPECT_EQ(shown_result(minimal, g, f).source, "v9");
}

TEST(ReportModel, ReproduceCommand) {
  GraphRecord g;
  g.id = 7;
  g.engine = "mutant:tanh_vjp";
  g.seed = 42;
  g.origin = "corpus/graphs/x.tcg";
  EXPECT_EQ(reproduce_command(g), "tapecheck replay --engine mutant:tanh_vjp corpus/graphs/x.tcg --seed 42");
  g.minimal_tcg = "graph x\n";  // a minimized graph lives only in the log: save it first
  EXPECT_EQ(replay_file(g), "graph-7.min.tcg");
  g.origin = "generated: build_graph(seed=1, size=3)";
  g.minimal_tcg.clear();
  EXPECT_EQ(replay_file(g), "graph-7.tcg");
  g.annotations.tcg_file = "graphs/my graph.tcg";  // saved by the campaign; quoted for the shell
  EXPECT_EQ(reproduce_command(g), "tapecheck replay --engine mutant:tanh_vjp 'graphs/my graph.tcg' --seed 42");
  g.engine = "it's";
  EXPECT_EQ(reproduce_command(g), "tapecheck replay --engine 'it'\\''s' 'graphs/my graph.tcg' --seed 42");
}

TEST(ReportModel, InconclusiveReasonsMaskNumbersKeepNames) {
  FindingRecord f;
  f.finding.detail = "uses g0, the result of gradient() 3 at 1.5e-3 (f64)";
  EXPECT_EQ(inconclusive_reason(f), "uses g0, the result of gradient() # at # (f64)");
  f.evidence.reason = "kink";
  EXPECT_EQ(inconclusive_reason(f), "kink");

  FindingsLog log;
  log.graphs.resize(2);
  for (int i = 0; i < 3; ++i) {
    FindingRecord r;
    r.graph = i % 2;
    r.finding.oracle = "finite_difference";
    r.finding.outcome = oracles::Outcome::inconclusive;
    r.finding.detail = "every stencil of entry " + std::to_string(i) + " crosses a kink";
    log.findings.push_back(r);
  }
  const std::vector<ReasonCount> reasons = inconclusive_reasons(log);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].count, 3);
  EXPECT_EQ(reasons[0].example_graph, 0);
  EXPECT_EQ(reasons[0].reason, "every stencil of entry # crosses a kink");
}

TEST(ReportModel, SensitivityMatrix) {
  const FindingsLog& log = fixture();
  ASSERT_TRUE(shows_sensitivity(log));
  const SensitivityMatrix m = sensitivity(log);
  std::map<std::string, const SensitivityRow*> rows;
  for (const SensitivityRow& r : m.rows) rows[r.engine] = &r;
  ASSERT_TRUE(rows.count("reference") && rows.count("mutant:zero_for_none") && rows.count("mutant:never_caught"));
  EXPECT_TRUE(rows["reference"]->caught.empty());
  EXPECT_EQ(rows["reference"]->graphs, 3);
  EXPECT_EQ(rows["mutant:zero_for_none"]->caught.at("connectivity"), 1);
  EXPECT_NE(rows["mutant:zero_for_none"]->mutant, nullptr);
  EXPECT_EQ(rows["mutant:never_caught"]->graphs, 0);
  EXPECT_EQ(rows["mutant:never_caught"]->first_caught, -1);
  // The growing-error mutant is caught by finite differences on the tanh graph.
  EXPECT_GE(rows["mutant:growing_error"]->caught.count("finite_difference"), 1u);

  FindingsLog one;
  one.graphs.resize(2);
  EXPECT_FALSE(shows_sensitivity(one));
}

TEST(ReportModel, CampaignRunsFallBackToEngines) {
  FindingsLog log = fixture();
  EXPECT_EQ(campaign_runs(log).size(), 2u);
  log.campaign_info.runs.clear();
  const std::vector<CampaignRun> runs = campaign_runs(log);
  ASSERT_GE(runs.size(), 4u);
  EXPECT_EQ(runs[0].engine, "reference");
  EXPECT_EQ(runs[0].graphs, 3);
  EXPECT_FALSE(runs[0].duration_s.has_value());
}

}  // namespace
}  // namespace tc::reports
