// fuzz/gradient_check.hpp: fuzz inputs as the property generator's choices, and the facts and
// signature of a mismatch.
#include "fuzz/gradient_check.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "eut/engines.hpp"
#include "graph/ir_util.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"
#include "properties/generators.hpp"

namespace tc::fuzz {
namespace {

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t n) {
  std::vector<std::uint8_t> b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

graph::Graph from(const std::vector<std::uint8_t>& b) { return graph_from_fuzz_input(b.data(), b.size()); }

TEST(GradientCheckInput, AnyBytesGiveAValidGraphThatRunsCleanOnTheReference) {
  std::mt19937 rng(1);
  auto reference = eut::make_engine("reference");
  for (int i = 0; i < 60; ++i) {
    const auto bytes = random_bytes(rng, static_cast<std::size_t>(i * 13 % 700));
    const graph::Graph g = from(bytes);
    EXPECT_NO_THROW(graph::validate(g)) << graph::print_tcg(g);
    const eut::RunResult run = reference->run(g, {});
    EXPECT_FALSE(run.error.has_value()) << graph::print_tcg(g) << run.error->message;
    EXPECT_GE(run.gradients.size(), 1u);
  }
}

TEST(GradientCheckInput, TheSameBytesGiveTheSameGraph) {
  std::mt19937 rng(2);
  for (int i = 0; i < 20; ++i) {
    const auto bytes = random_bytes(rng, 300);
    EXPECT_TRUE(graph::structurally_equal(from(bytes), from(bytes)));
  }
}

TEST(GradientCheckInput, BytesSteerTheGraph) {
  std::mt19937 rng(3);
  std::set<std::string> distinct;
  for (int i = 0; i < 20; ++i) distinct.insert(graph::print_tcg(from(random_bytes(rng, 200))));
  EXPECT_GT(distinct.size(), 15u);
}

TEST(GradientCheckInput, AnEmptyInputGivesASmallGraph) {
  const graph::Graph g = graph_from_fuzz_input(nullptr, 0);
  EXPECT_NO_THROW(graph::validate(g));
  EXPECT_LE(properties::facts(g).ops, 4) << graph::print_tcg(g);
}

TEST(GradientCheckInput, ProgramsStayWithinEightSteps) {
  std::mt19937 rng(4);
  int most = 0;
  std::string largest;
  for (int i = 0; i < 40; ++i) {
    const graph::Graph g = from(random_bytes(rng, 2000));
    if (properties::facts(g).ops > most) {
      most = properties::facts(g).ops;
      largest = graph::print_tcg(g);
    }
  }
  EXPECT_GT(most, 4);   // long inputs do make larger graphs ...
  // ... of a few ops per step: an op step is one op and its operands' adapters; a cond step two
  // branches of one to three op steps and the ops tried for their yields. The forty inputs'
  // largest: 56 ops (two conds and a while_loop in 8 steps; 47 before add_n joined the table).
  EXPECT_LE(most, 64) << largest;
}

constexpr const char* kPaths = R"(graph paths
input %x: f64[2] variable uniform(-1, 1) seed=1
input %y: f64[2] variable uniform(-1, 1) seed=2
tape t
record t {
  %a = exp %x
  %b = sin %y
  %c = mul %a %b
  %d = tanh %c
  %e = cos %y
  %f = add %d %e
  %l = reduce_sum %f axes=[] keepdims=false
}
%g0, %g1 = grad t %l wrt %x, %y
)";

TEST(GradientCheckSignature, TheOpPathHoldsTheOpsBetweenSourceAndTarget) {
  const graph::Graph g = graph::parse_tcg(kPaths);
  EXPECT_EQ(op_path(g, "l", "x"), (std::vector<std::string>{"add", "exp", "mul", "reduce_sum", "tanh"}));
  EXPECT_EQ(op_path(g, "l", "y"),
            (std::vector<std::string>{"add", "cos", "mul", "reduce_sum", "sin", "tanh"}));
  EXPECT_EQ(op_path(g, "c", "y"), (std::vector<std::string>{"mul", "sin"}));
  EXPECT_EQ(op_path(g, "e", "x"), std::vector<std::string>{});
  EXPECT_EQ(op_path(g, "c", ""), (std::vector<std::string>{"exp", "mul", "sin"}));  // all it depends on
}

TEST(GradientCheckSignature, SaysKindOracleAndOpPath) {
  MismatchFacts m;
  m.oracle = "finite_difference";
  m.op_path = {"mul", "sub"};
  m.target = "l";
  m.source = "x";
  EXPECT_EQ(signature(m), "mismatch finite_difference mul,sub");
  m.source = "renamed";  // names do not matter: the shrinker renames
  EXPECT_EQ(signature(m), "mismatch finite_difference mul,sub");
}

// The fuzz target's judgement on a known bug: among a few hundred fixed inputs, the oracles
// find sub's flipped sign on some, and the reference engine passes those same inputs. (The op
// path need not hold sub: ops the table derives from sub, log_softmax or reduce_variance, carry
// the bug into their second-order programs.)
TEST(GradientCheckSignature, AMutantTheCampaignKillsMismatchesOnSomeInputsTheReferencePasses) {
  auto mutant = eut::make_engine("mutant:sub_sign_flipped");
  auto reference = eut::make_engine("reference");
  std::mt19937 rng(5);
  int found = 0;
  for (int i = 0; i < 300 && found < 3; ++i) {
    const graph::Graph g = from(random_bytes(rng, 400));
    const auto on_mutant = mismatches(g, oracles::check_graph(g, *mutant, gradient_check_check_options()));
    if (on_mutant.empty()) continue;
    ++found;
    EXPECT_FALSE(on_mutant.front().op_path.empty());
    EXPECT_TRUE(mismatches(g, oracles::check_graph(g, *reference, gradient_check_check_options())).empty())
        << graph::print_tcg(g);
  }
  EXPECT_GE(found, 1);
}

}  // namespace
}  // namespace tc::fuzz
