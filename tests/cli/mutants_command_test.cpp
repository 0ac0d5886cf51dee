// `tapecheck mutants`: the catalogue listed; a mutant killed on random graphs, its killing
// oracle and counterexample in --json; DIR/mutants.json, findings.jsonl and report.html with
// --out; exit 1 when a mutant survives its budget, 2 for an unknown mutant.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "eut/mutants/mutant.hpp"
#include "reports/findings_log.hpp"
#include "support.hpp"

namespace {

using namespace tc::cli::test;

TEST(Mutants, ListNamesEveryMutantOfTheCatalogue) {
  TempDir dir;
  const Result r = tapecheck("mutants --list", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const tc::eut::Mutant* m : tc::eut::mutants()) EXPECT_TRUE(contains(r.out, m->name)) << m->name;
}

TEST(Mutants, JsonShowsTheKillWithItsOracleAndCounterexample) {
  TempDir dir;
  const Result r = tapecheck("mutants --mutant add_broadcast_not_reduced --budget 200 --seed 0 --json", dir);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["summary"]["mutants"], 1);
  EXPECT_EQ(j["summary"]["killed"], 1);
  const nlohmann::json& m = j["mutants"][0];
  EXPECT_EQ(m["mutant"], "add_broadcast_not_reduced");
  EXPECT_EQ(m["end"], "killed");
  EXPECT_FALSE(m["oracles"].empty());
  EXPECT_GE(m["minimal_ops"].get<int>(), 1);
  // A replayable graph (the mutated add VJP may show through another op's gradient: the
  // second-order programs sum with add).
  const std::string tcg = m["counterexample_tcg"].get<std::string>();
  EXPECT_TRUE(contains(tcg, "graph ")) << tcg;
  EXPECT_TRUE(contains(tcg, " = grad ")) << tcg;
}

TEST(Mutants, OutWritesResultsLogAndReportWithTheMutantNamed) {
  TempDir dir;
  const std::string out = dir.file("mut");
  const Result r = tapecheck("mutants --mutant sub_sign_flipped --budget 200 --quiet --out '" + out + "'", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json results = nlohmann::json::parse(slurp(out + "/mutants.json"));
  EXPECT_EQ(results["mutants"][0]["end"], "killed");
  const tc::reports::FindingsLog log = tc::reports::read_findings_log(out + "/findings.jsonl");
  ASSERT_EQ(log.graphs.size(), 1u);
  EXPECT_EQ(log.graphs[0].engine, "mutant:sub_sign_flipped");
  EXPECT_TRUE(contains(slurp(out + "/report.html"), "mutant:sub_sign_flipped"));
}

TEST(Mutants, ASurvivorExitsOne) {
  // One graph (graph 0 has size 1: a lone op) is not enough to catch a mutant whose bug needs
  // a tie at a maximum: it survives, and a survivor is a finding about the suite (exit 1).
  TempDir dir;
  const Result r = tapecheck("mutants --mutant reduce_max_ties_to_all --budget 1 --seed 0", dir);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "survived")) << r.out;
}

TEST(Mutants, AnUnknownMutantIsBadInput) {
  TempDir dir;
  const Result r = tapecheck("mutants --mutant no_such_mutant", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "no_such_mutant")) << r.err;
}

}  // namespace
