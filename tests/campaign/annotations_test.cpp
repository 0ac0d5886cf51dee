// campaign/annotations: the values drawn under a mismatching graph's nodes, and the minimal
// graph's names for the result at fault when the shrinker renamed them.
#include "campaign/annotations.hpp"

#include <gtest/gtest.h>

#include "eut/engines.hpp"
#include "graph/tcg.hpp"

namespace tc::campaign {
namespace {

constexpr const char* kTanh = R"(graph tanh_sum
input %x: f64[3] variable values(0.5, -1, 2)
tape t
record t {
  %h = tanh %x
  %loss = reduce_sum %h axes=[] keepdims=false
}
%gx = grad t %loss wrt %x
)";

TEST(Annotations, AValueIsItsTypeAndFirstElements) {
  EXPECT_EQ(value_text({DType::f64, Shape({3}), {0.5, -1, 2}}), "f64[3] 0.5 -1 2");
  EXPECT_EQ(value_text({DType::f32, Shape({2, 3}), {1, 2, 3, 4, 5, 6}}), "f32[2,3] 1 2 3 4 …");
  EXPECT_EQ(value_text({DType::f64, Shape(), {0.25}}), "f64[] 0.25");
}

TEST(Annotations, EveryValueOfTheGraphShownAndItsNamesForTheResultAtFault) {
  const std::unique_ptr<eut::EngineUnderTest> engine = eut::make_engine("mutant:tanh_derivative_off_1e4");
  const graph::Graph g = graph::parse_tcg(kTanh);
  const oracles::CheckReport report = oracles::check_graph(g, *engine, {});
  ASSERT_EQ(report.verdict, oracles::Verdict::mismatch);

  const reports::GraphAnnotations same = annotate(g, g, report, *engine, {});
  EXPECT_EQ(same.node_values.at("x"), "f64[3] 0.5 -1 2");
  EXPECT_EQ(same.node_values.count("h"), 1u);
  EXPECT_EQ(same.node_values.count("loss"), 1u);
  EXPECT_TRUE(same.minimal_target.empty() && same.minimal_source.empty());  // the graph keeps its names

  // A shown graph that calls them otherwise, as a shrinker unwrapping control flow may.
  std::string renamed = kTanh;
  for (auto [from, to] : {std::pair<std::string, std::string>{"%x", "%a"}, {"%loss", "%b"}})
    for (std::size_t at = renamed.find(from); at != std::string::npos; at = renamed.find(from, at + to.size()))
      renamed.replace(at, from.size(), to);
  const reports::GraphAnnotations moved = annotate(g, graph::parse_tcg(renamed), report, *engine, {});
  EXPECT_EQ(moved.minimal_target, "b");
  EXPECT_EQ(moved.minimal_source, "a");
  EXPECT_EQ(moved.node_values.count("a"), 1u);
}

// The campaign's record of a mismatching graph: every numerical mismatch about the wrong
// result carries the path at fault as its evidence; the connectivity oracle's findings do not.
TEST(Annotations, TheWrongValuesMismatchesCarryThePathAtFault) {
  const std::unique_ptr<eut::EngineUnderTest> engine = eut::make_engine("mutant:tanh_derivative_off_1e4");
  const graph::Graph g = graph::parse_tcg(kTanh);
  const oracles::CheckReport report = oracles::check_graph(g, *engine, {});
  reports::FindingsLog log;
  reports::append(log, g, report, "test", 0);
  log.graphs.front().annotations = annotate(g, g, report, *engine, {});
  annotate_fault_path(log, g, *engine, {});
  int with_path = 0;
  for (const reports::FindingRecord& r : log.findings) {
    const bool wrong_value = r.finding.outcome == oracles::Outcome::mismatch && oracles::is_numerical(r.finding);
    if (!wrong_value) {
      EXPECT_TRUE(r.evidence.path.empty()) << r.finding.oracle;
      continue;
    }
    ++with_path;
    EXPECT_EQ(r.evidence.path, (std::vector<std::string>{"x", "h", "loss"})) << r.finding.oracle;
  }
  EXPECT_GT(with_path, 0);
}

}  // namespace
}  // namespace tc::campaign
