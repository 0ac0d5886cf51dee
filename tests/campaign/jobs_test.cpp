// campaign/jobs and campaign/graph_file: the corpus first and sorted, generated graphs that
// depend only on the options and their index, and bad corpus files stopped with their place.
#include "campaign/jobs.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>

#include "campaign/graph_file.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "graph/tcg.hpp"
#include "support.hpp"

namespace tc::campaign {
namespace {

CampaignOptions with_corpus(int graphs, std::uint64_t seed = 0) {
  CampaignOptions o;
  o.graphs = graphs;
  o.seed = seed;
  o.corpus = TAPECHECK_CORPUS_DIR;
  return o;
}

std::size_t corpus_size() {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(TAPECHECK_CORPUS_DIR)) n += e.path().extension() == ".tcg";
  return n;
}

TEST(Jobs, CorpusFirstInNameOrderThenGenerated) {
  const std::vector<Job> jobs = plan_jobs(with_corpus(5));
  ASSERT_EQ(jobs.size(), corpus_size() + 5);
  for (std::size_t i = 0; i < corpus_size(); ++i) {
    EXPECT_FALSE(jobs[i].generated);
    if (i > 0) {
      EXPECT_LT(jobs[i - 1].origin, jobs[i].origin);
    }
    EXPECT_FALSE(jobs[i].graph.body.empty());
  }
  for (std::size_t i = corpus_size(); i < jobs.size(); ++i) {
    EXPECT_TRUE(jobs[i].generated);
    EXPECT_EQ(jobs[i].origin.rfind("generated: build_graph(seed=", 0), 0u) << jobs[i].origin;
  }
}

TEST(Jobs, AJobDependsOnlyOnTheOptionsAndItsIndex) {
  // A longer campaign plans the same first graphs: a resumed run or a shard finds job i where
  // the first run had it.
  const std::vector<Job> few = plan_jobs(with_corpus(3, 11));
  const std::vector<Job> many = plan_jobs(with_corpus(40, 11));
  for (std::size_t i = 0; i < few.size(); ++i) {
    EXPECT_EQ(few[i].origin, many[i].origin);
    EXPECT_EQ(graph::print_tcg(job_graph(few[i])), graph::print_tcg(job_graph(many[i])));
  }
  const std::vector<Job> other_seed = plan_jobs(with_corpus(3, 12));
  EXPECT_NE(few.back().origin, other_seed.back().origin);
  CampaignOptions no_corpus;
  no_corpus.graphs = 2;
  EXPECT_EQ(plan_jobs(no_corpus).size(), 2u);
}

TEST(Jobs, OpsWhoseBugsNeedARareConfigurationTakeTwoPlacesInAFocusRound) {
  EXPECT_EQ(focus_places(op_relu), 2);         // a kink at 0
  EXPECT_EQ(focus_places(op_reduce_prod), 2);  // smooth, but a product through an exact zero
  EXPECT_EQ(focus_places(op_transpose), 2);    // a permutation: only a rank-3 cube shows it
  EXPECT_EQ(focus_places(op_sin), 1);
  EXPECT_EQ(focus_places(op_matmul), 2);       // its batch dimensions broadcast, not elementwise
  EXPECT_EQ(focus_places(op_add), 1);          // broadcasts element by element: under most shapes
}

// The jobs of a campaign's first two focus rounds (default options).
std::vector<Job> two_rounds(std::size_t& round) {
  round = 0;
  for (const OpDef* op : op_table()) round += static_cast<std::size_t>(focus_places(*op));
  CampaignOptions o;
  o.graphs = static_cast<int>(2 * round);
  return plan_jobs(o);
}

TEST(Jobs, EachRoundFocusesEveryOpAsOftenAsItsPlacesSay) {
  std::size_t round = 0;
  const std::vector<Job> jobs = two_rounds(round);
  for (std::size_t start : {std::size_t{0}, round}) {
    std::map<const OpDef*, int> focused;
    for (std::size_t i = start; i < start + round; ++i) ++focused[jobs[i].focus];
    ASSERT_EQ(focused.size(), op_table().size());
    for (const OpDef* op : op_table()) EXPECT_EQ(focused[op], focus_places(*op)) << op->name;
  }
}

// Each round has its own order: an op whose companions leave its value out of the loss in one
// round meets others in the next.
TEST(Jobs, AFocusOpMeetsOtherCompanionsInTheNextRound) {
  std::size_t round = 0;
  const std::vector<Job> jobs = two_rounds(round);
  std::map<const OpDef*, std::set<std::vector<const OpDef*>>> first, second;
  for (std::size_t i = 0; i < round; ++i) first[jobs[i].focus].insert(jobs[i].also_focus);
  for (std::size_t i = round; i < 2 * round; ++i) second[jobs[i].focus].insert(jobs[i].also_focus);
  std::size_t same = 0;
  for (const OpDef* op : op_table()) same += first[op] == second[op];
  EXPECT_LE(same, op_table().size() / 10) << same << " of " << op_table().size() << " ops met the same companions twice";
}

TEST(Jobs, AGeneratedGraphIsBuiltTheSameEveryTime) {
  const std::vector<Job> jobs = plan_jobs(with_corpus(2, 5));
  const Job& j = jobs.back();
  const graph::Graph a = job_graph(j), b = job_graph(j);
  EXPECT_EQ(graph::print_tcg(a), graph::print_tcg(b));
  EXPECT_EQ(a.name, "gen_1");
  graph::parse_tcg(graph::print_tcg(a));  // valid
}

TEST(Jobs, GeneratedGraphsHaveOnlyWhatTheEngineRuns) {
  // Among 400 generated graphs some end with an optimizer step, some nest tapes, some branch
  // and some compute in f32; for an engine without those capabilities none does.
  CampaignOptions o;
  o.graphs = 400;
  const std::vector<Job> jobs = plan_jobs(o);
  eut::Capabilities none;
  none.optimizer_step = none.second_order = none.control_flow = none.f32 = false;
  auto count = [&](const eut::Capabilities& caps, const std::string& what) {
    int n = 0;
    for (const Job& j : jobs) n += graph::print_tcg(job_graph(j, caps)).find(what) != std::string::npos;
    return n;
  };
  for (const std::string what : {"apply_gradients", "tape outer", "cond ", "f32"}) {
    EXPECT_GT(count({}, what), 0) << what;
    EXPECT_EQ(count(none, what), 0) << what;
  }
}

TEST(Jobs, ABadCorpusStopsThePlanWithItsPlace) {
  test::TempDir dir;
  std::ofstream(dir.file("a.tcg")) << "input %x: f64[2] variable values(1, 2)\ntape t\nrecord t {\n  %y = exp %x\n}\n"
                                       "%g = grad t %y wrt %x\n";
  std::ofstream(dir.file("b.tcg")) << "tape t\nrecord t {\n";
  CampaignOptions o;
  o.corpus = dir.path;
  try {
    plan_jobs(o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir.file("b.tcg") + ":", 0), 0u) << e.what();
  }
  o.corpus = dir.file("missing");
  EXPECT_THROW(plan_jobs(o), InputError);
}

TEST(GraphFile, AGraphWithoutGradientRequestIsBadInput) {
  test::TempDir dir;
  std::ofstream(dir.file("none.tcg")) << "input %x: f64[2] variable values(1, 2)\ntape t\nrecord t {\n  %y = exp %x\n}\n";
  std::ofstream(dir.file("empty.tcg")) << "";
  for (const char* name : {"none.tcg", "empty.tcg"}) {
    try {
      load_graph_file(dir.file(name));
      ADD_FAILURE() << name;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), dir.file(name) + ": nothing to check: the graph requests no gradient (it has "
                                                        "no `grad` statement)");
    }
  }
  // A request inside a block counts.
  std::ofstream(dir.file("nested.tcg")) << "input %x: f64[2] variable values(1, 2)\ntape t\ntape u\nrecord t {\n"
                                           "  record u {\n    %y = exp %x\n  }\n  %g = grad u %y wrt %x\n}\n";
  EXPECT_NO_THROW(load_graph_file(dir.file("nested.tcg")));
}

TEST(GraphFile, JsonSyntaxErrorsNameFileLineAndColumn) {
  test::TempDir dir;
  std::ofstream(dir.file("g.json")) << "{\n  \"inputs\": [,]\n}\n";
  try {
    load_graph_file(dir.file("g.json"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir.file("g.json") + ":2:14: unexpected ','", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace tc::campaign
