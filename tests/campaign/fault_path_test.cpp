// campaign/fault_path: a wrong backward rule is localised by the gradients with respect to the
// values on the path — the path at fault runs through the last value whose gradient is wrong
// and leaves out the paths that do not pass the culprit op.
#include "campaign/fault_path.hpp"

#include <gtest/gtest.h>

#include "eut/engines.hpp"
#include "graph/tcg.hpp"

namespace tc::campaign {
namespace {

// x → sin → a → tanh → b → exp → c ─┐
// x → cos → d ──────────────────────┴→ s → loss
constexpr const char* kTwoPaths = R"(graph two_paths
input %x: f64[3] variable values(0.5, -1, 2)
tape t
record t {
  %a = sin %x
  %b = tanh %a
  %c = exp %b
  %d = cos %x
  %s = add %c %d
  %loss = reduce_sum %s axes=[] keepdims=false
}
%gx = grad t %loss wrt %x
)";

TEST(FaultPath, RunsThroughTheLastValueWhoseGradientIsWrong) {
  const graph::Graph g = graph::parse_tcg(kTwoPaths);
  const std::unique_ptr<eut::EngineUnderTest> faulty = eut::make_engine("mutant:tanh_derivative_off_1e4");
  const FaultPath p = fault_path(g, "loss", "x", *faulty, {});
  // d loss/d b is right (exp's rule is), d loss/d a is wrong (tanh's is not).
  EXPECT_EQ(p.last_wrong, "a");
  EXPECT_EQ(p.values, (std::vector<std::string>{"x", "a", "b", "c", "s", "loss"}));
}

// tanh reads the source itself: no value between them has a wrong gradient, so the culprit
// is one of the source's own ops and every path from the source stays.
TEST(FaultPath, AFaultAtAnOpOfTheSourceKeepsEveryPath) {
  const graph::Graph g = graph::parse_tcg(R"(graph at_the_source
input %x: f64[3] variable values(0.5, -1, 2)
tape t
record t {
  %b = tanh %x
  %c = exp %b
  %d = cos %x
  %s = add %c %d
  %loss = reduce_sum %s axes=[] keepdims=false
}
%gx = grad t %loss wrt %x
)");
  const std::unique_ptr<eut::EngineUnderTest> faulty = eut::make_engine("mutant:tanh_derivative_off_1e4");
  const FaultPath p = fault_path(g, "loss", "x", *faulty, {});
  EXPECT_EQ(p.last_wrong, "x");
  EXPECT_EQ(p.values, (std::vector<std::string>{"x", "b", "c", "d", "s", "loss"}));
}

// Past its deadline nothing is checked: the answer is every path, never a guess.
TEST(FaultPath, APassedDeadlineChecksNothingAndKeepsEveryPath) {
  const graph::Graph g = graph::parse_tcg(kTwoPaths);
  const std::unique_ptr<eut::EngineUnderTest> faulty = eut::make_engine("mutant:tanh_derivative_off_1e4");
  const FaultPath p = fault_path(g, "loss", "x", *faulty, {}, 24, std::chrono::steady_clock::now());
  EXPECT_EQ(p.last_wrong, "x");
  EXPECT_EQ(p.values, (std::vector<std::string>{"x", "a", "b", "c", "d", "s", "loss"}));
}

TEST(FaultPath, NoPathNoAnswer) {
  const graph::Graph g = graph::parse_tcg(kTwoPaths);
  auto engine = eut::make_reference_engine();
  EXPECT_TRUE(fault_path(g, "loss", "nonexistent", *engine, {}).values.empty());
  EXPECT_TRUE(fault_path(g, "a", "d", *engine, {}).values.empty());  // d does not reach a
}

}  // namespace
}  // namespace tc::campaign
