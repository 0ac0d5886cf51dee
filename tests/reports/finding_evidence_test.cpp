// reports/finding_evidence: the evidence the oracles attach to their findings, as the report's
// data. The findings are the oracles' own, on engines with injected faults.
#include "reports/finding_evidence.hpp"

#include <cmath>
#include <gtest/gtest.h>

#include "oracles/check_all.hpp"
#include "report_fixture.hpp"
#include "reports/findings_log.hpp"
#include "reports/report_model.hpp"

namespace tc::reports {
namespace {

const FindingRecord* mismatch_of(const FindingsLog& log, const std::string& oracle) {
  for (const FindingRecord& f : log.findings)
    if (f.finding.oracle == oracle && f.finding.outcome == oracles::Outcome::mismatch) return &f;
  return nullptr;
}

TEST(FindingEvidence, AWrongValueCarriesEveryEntryAndTheStepSweep) {
  const graph::Graph g = graph::parse_tcg(test::kTanhMatrixTcg);
  test::ScaledEngine scaled(1.01);
  FindingsLog log;
  append(log, g, oracles::check_graph(g, scaled, {}), "tanh_matrix.tcg", 0);
  const eut::RunResult truth = eut::make_reference_engine()->run(g, {});
  const std::vector<double>& true_gradient = truth.gradients.at(0).values.at(0)->data;

  const FindingRecord* fd = mismatch_of(log, "finite_difference");
  ASSERT_NE(fd, nullptr);
  const EntryValues* entries = entry_values(*fd);
  ASSERT_NE(entries, nullptr);
  EXPECT_EQ(entries->kind, EntryValues::Kind::element);
  EXPECT_EQ(entries->shape, (std::vector<std::int64_t>{6, 8}));
  ASSERT_EQ(entries->engine.size(), 48u);
  for (std::size_t i = 0; i < 48; ++i) {
    EXPECT_DOUBLE_EQ(entries->engine[i], 1.01 * true_gradient[i]) << i;
    EXPECT_NEAR(entries->oracle[i], true_gradient[i], 1e-6) << i;
    EXPECT_GT(entries->tolerance[i], 0) << i;
  }
  // The sweep is the worst entry's: central differences that approach its true derivative
  // as h shrinks, until rounding; the estimate is within its error of the truth.
  const StepSweep* sweep = step_sweep(*fd);
  ASSERT_NE(sweep, nullptr);
  EXPECT_EQ(sweep->entry, fd->finding.worst_entry);
  ASSERT_GE(sweep->points.size(), 4u);
  const double truth_at = true_gradient.at(static_cast<std::size_t>(sweep->entry));
  EXPECT_NEAR(sweep->estimate, truth_at, std::max(sweep->error, 1e-9));
  EXPECT_GT(sweep->chosen_h, 0);
  double best = INFINITY;
  for (const StepSweep::Point& p : sweep->points) best = std::min(best, std::abs(p.difference - truth_at));
  EXPECT_LT(best, 1e-6);

  // Complex step judges elements too; agreeing findings carry no entries (only mismatches are drawn).
  ASSERT_NE(mismatch_of(log, "complex_step"), nullptr);
  EXPECT_NE(entry_values(*mismatch_of(log, "complex_step")), nullptr);
  for (const FindingRecord& f : log.findings)
    if (f.finding.outcome != oracles::Outcome::mismatch) {
      EXPECT_EQ(entry_values(f), nullptr) << f.finding.oracle;
    }
}

TEST(FindingEvidence, AValueWhereNoneIsDueCarriesThePredictedCut) {
  const graph::Graph g = test::corpus_graph("round_in_loss");
  test::ZeroForNoneEngine zero_for_none;
  FindingsLog log;
  append(log, g, oracles::check_graph(g, zero_for_none, {}), "round_in_loss.tcg", 0);
  const FindingRecord* c = mismatch_of(log, "connectivity");
  ASSERT_NE(c, nullptr);
  const CutNode* cut = predicted_cut(*c);
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->node, "r");
  EXPECT_EQ(cut->op, "round");
  EXPECT_EQ(cut->input, 0);
  EXPECT_EQ(cut->rule, "non-differentiable");
}

TEST(FindingEvidence, AnInconclusiveFindingCarriesItsReasonCode) {
  oracles::Finding f;
  f.outcome = oracles::Outcome::inconclusive;
  f.evidence.reason = "kink";
  f.evidence.entries.resize(3);  // inconclusive entries: not a mismatch, so not carried
  const FindingEvidence e = evidence_of(f);
  EXPECT_EQ(e.reason, "kink");
  EXPECT_FALSE(e.entries);
}

}  // namespace
}  // namespace tc::reports
