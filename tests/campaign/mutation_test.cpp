// campaign/mutation.hpp: a mutant engine checked on a campaign's random graphs until the first
// mismatch — killed, by which oracle, on which graph, with a shrunk counterexample — the same
// for a seed whatever the thread count; the results as a findings log for the report.
#include "campaign/mutation.hpp"

#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "eut/mutants/mutant.hpp"
#include "graph/tcg.hpp"

namespace tc::campaign {
namespace {

MutationOptions one(const std::string& mutant, int threads = 1) {
  MutationOptions o;
  o.seed = 0;
  o.budget = 200;
  o.threads = threads;
  o.only = {mutant};
  return o;
}

TEST(Mutation, ABroadcastMutantIsKilledByRandomGraphsWithAShrunkCounterexample) {
  const std::vector<MutantResult> r = run_mutation_analysis(one("add_broadcast_not_reduced"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].end, MutantResult::End::killed) << r[0].failure;
  EXPECT_GE(r[0].graphs, 1);
  EXPECT_LE(r[0].graphs, 200);
  EXPECT_FALSE(r[0].oracles.empty());
  EXPECT_FALSE(r[0].detail.empty());
  ASSERT_FALSE(r[0].tcg.empty());
  EXPECT_NO_THROW(graph::parse_tcg(r[0].tcg));
  const std::string& minimal = r[0].minimal_tcg.empty() ? r[0].tcg : r[0].minimal_tcg;
  EXPECT_NO_THROW(graph::parse_tcg(minimal));
  EXPECT_GE(r[0].minimal_ops, 1);
  ASSERT_TRUE(r[0].record);
  EXPECT_EQ(r[0].record->engine, "mutant:add_broadcast_not_reduced");
  EXPECT_FALSE(r[0].findings.empty());
}

TEST(Mutation, TheResultOfASeedDoesNotDependOnTheThreadCount) {
  // Shrinking stops at half the graph timeout: where that deadline falls depends on the
  // machine (an ASan build is ~10× slower), so it is set far out here — the thread count is
  // what this test varies, not the clock.
  MutationOptions one_thread = one("sub_sign_flipped", 1), two_threads = one("sub_sign_flipped", 2);
  one_thread.graph_timeout = two_threads.graph_timeout = 3600;
  const std::vector<MutantResult> a = run_mutation_analysis(one_thread);
  const std::vector<MutantResult> b = run_mutation_analysis(two_threads);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].end, b[0].end);
  EXPECT_EQ(a[0].graphs, b[0].graphs);
  EXPECT_EQ(a[0].tcg, b[0].tcg);
  EXPECT_EQ(a[0].minimal_tcg, b[0].minimal_tcg);
}

TEST(Mutation, AnUnknownMutantIsAnErrorNamingIt) {
  try {
    run_mutation_analysis(one("no_such_mutant"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_mutant"), std::string::npos);
  }
}

TEST(Mutation, TheLogNamesEveryMutantAndHoldsTheKillingGraphsOnly) {
  MutationOptions o = one("add_broadcast_not_reduced");
  std::vector<MutantResult> r = run_mutation_analysis(o);
  MutantResult survivor;
  survivor.name = "pretend_survivor";
  survivor.end = MutantResult::End::survived;
  r.push_back(survivor);
  const reports::FindingsLog log = mutation_log(o, r);
  ASSERT_EQ(log.campaign_info.mutants.size(), 2u);
  EXPECT_EQ(log.campaign_info.mutants[0].engine, "mutant:add_broadcast_not_reduced");
  EXPECT_EQ(log.campaign_info.mutants[1].engine, "mutant:pretend_survivor");
  ASSERT_EQ(log.graphs.size(), 1u);
  for (const reports::FindingRecord& f : log.findings) EXPECT_EQ(f.graph, log.graphs[0].id);
}

}  // namespace
}  // namespace tc::campaign
