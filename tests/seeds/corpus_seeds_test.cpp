// The seed scenarios as .tcg graphs in corpus/graphs/: each replays as its C++ seed test says
// (which results are None, and the engine's words for why), and every oracle agrees with the
// reference engine on it — no result left unverified. S8 is the op host_round_trip; S14 the
// statement apply_gradients, whose run stops with the error the seed is about.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"

namespace tc::test {
namespace {

// One result: `why` empty for a value, else a phrase of the engine's explanation of its None.
struct Result {
  int gradient;
  int source;
  std::string why;
};
struct Seed {
  const char* id;
  const char* file;
  std::vector<Result> results;
  // The error the run must stop with ("" for none) and phrases its message must hold.
  const char* error = "";
  std::vector<const char*> error_says = {};
};

const std::vector<Seed>& seeds() {
  static const std::vector<Seed> all = {
      {"S1", "constant_instead_of_variable", {{0, 0, "'w' is not watched (it is a plain tensor"}, {0, 1, ""}}},
      {"S2", "forward_outside_tape", {{0, 0, "computed while the tape was not recording (compute it inside"}}},
      {"S3", "round_in_loss", {{0, 0, "round has no gradient"}, {0, 1, ""}}},
      {"S4", "non_trainable_variable", {{0, 0, ""}, {0, 1, "Variable with trainable=false"}, {0, 2, ""}}},
      {"S5", "loss_independent_of_prediction", {{0, 0, "'loss' does not depend on 'w'"}}},
      {"S6", "cond_on_tensor", {{0, 0, ""}, {0, 1, "branch of the cond on 'p' that did not run"}, {0, 2, ""}}},
      {"S7", "stop_gradient_only_path", {{0, 0, "stop_gradient blocks the gradient"}, {0, 1, ""}}},
      {"S8", "value_out_of_graph_and_back", {{0, 0, "'loss' does not depend on 'w'"}, {0, 1, ""}}},
      {"S9", "broadcasting_add", {{0, 0, ""}, {0, 1, ""}}},
      {"S10", "unwatched_constant_vs_variable", {{0, 0, "'c' is not watched"}, {0, 1, ""}}},
      {"S11", "while_loop", {{0, 0, ""}, {0, 1, "'loss' does not depend on 'n'"}}},
      {"S12", "cast_to_int", {{0, 0, "has dtype i32"}, {0, 1, "integer/bool dtype"}}},
      {"S13", "unconnected_zero", {{0, 0, ""}, {0, 1, ""}, {1, 0, ""}, {1, 1, "'loss' does not depend on 'unused'"}}},
      {"S14", "optimizer_no_gradients", {{0, 0, "round has no gradient"}, {0, 1, "stop_gradient blocks"}},
       "no_gradients",
       {"No gradients provided for any variable", "'w': ", "round has no gradient", "'b': ", "stop_gradient blocks"}},
      {"R10", "second_order", {{0, 0, ""}, {1, 0, ""}}},
  };
  return all;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CorpusSeed : public ::testing::TestWithParam<Seed> {};

TEST_P(CorpusSeed, ReplaysAsTheSeedSaysAndEveryResultIsJudged) {
  const Seed& seed = GetParam();
  const std::filesystem::path path = std::filesystem::path(TAPECHECK_CORPUS_DIR) / (std::string(seed.file) + ".tcg");
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const graph::Graph g = graph::parse_tcg(read(path));
  auto engine = eut::make_reference_engine();
  const eut::RunResult run = engine->run(g, {});
  if (*seed.error) {
    ASSERT_TRUE(run.error);
    EXPECT_EQ(run.error->kind, seed.error);
    for (const char* phrase : seed.error_says)
      EXPECT_NE(run.error->message.find(phrase), std::string::npos) << phrase << " in " << run.error->message;
  } else {
    ASSERT_FALSE(run.error) << run.error->message;
  }
  for (const Result& r : seed.results) {
    SCOPED_TRACE("gradient " + std::to_string(r.gradient) + " source " + std::to_string(r.source));
    ASSERT_LT(static_cast<std::size_t>(r.gradient), run.gradients.size());
    const eut::GradientResult& gr = run.gradients[static_cast<std::size_t>(r.gradient)];
    ASSERT_LT(static_cast<std::size_t>(r.source), gr.values.size());
    const std::size_t s = static_cast<std::size_t>(r.source);
    if (r.why.empty()) {
      EXPECT_TRUE(gr.values[s]) << "None: " << gr.why_none[s];
    } else {
      EXPECT_FALSE(gr.values[s]);
      EXPECT_NE(gr.why_none[s].find(r.why), std::string::npos) << gr.why_none[s];
    }
  }
  const oracles::CheckReport report = oracles::check_graph(g, *engine, {});
  EXPECT_EQ(report.verdict, *seed.error ? oracles::Verdict::error_raised : oracles::Verdict::agree);
  for (const oracles::SourceVerdict& v : report.sources)
    EXPECT_EQ(v.verdict, oracles::Verdict::agree) << v.gradient << " " << v.source << ": " << v.detail;
}

INSTANTIATE_TEST_SUITE_P(Seeds, CorpusSeed, ::testing::ValuesIn(seeds()),
                         [](const ::testing::TestParamInfo<Seed>& i) { return std::string(i.param.file); });

}  // namespace
}  // namespace tc::test
