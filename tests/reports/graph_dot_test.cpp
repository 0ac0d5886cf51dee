// reports/graph_dot: DOT text for every corpus graph, styled for a finding; the path between a
// source and a target; Graphviz's SVG without its noise.
#include "reports/graph_dot.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace tc::reports {
namespace {

using test::corpus_graph;

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// The DOT statement of the node labelled `label` (its first line).
std::string node_line(const std::string& dot, const std::string& label) {
  const std::size_t at = dot.find("[label=\"" + label);
  if (at == std::string::npos) return "";
  const std::size_t start = dot.rfind('\n', at) + 1;
  return dot.substr(start, dot.find('\n', at) - start);
}

TEST(GraphDot, EveryCorpusGraphDraws) {
  for (const std::string& name : test::corpus_names()) {
    SCOPED_TRACE(name);
    const std::string dot = graph_to_dot(corpus_graph(name), {"loss"});
    EXPECT_EQ(dot.rfind("digraph ", 0), 0u);
    EXPECT_EQ(dot.back(), '\n');
    if (have_executable("dot")) {
      const SvgResult svg = render_svg(dot);
      EXPECT_TRUE(svg.ok()) << svg.error;
      EXPECT_EQ(svg.svg.rfind("<svg", 0), 0u);
      EXPECT_FALSE(contains(svg.svg, "<!--"));
      EXPECT_FALSE(contains(svg.svg, "<title>"));
    }
  }
  const std::string cond = graph_to_dot(corpus_graph("cond_on_tensor"));
  EXPECT_TRUE(contains(cond, "label=\"then\""));
  EXPECT_TRUE(contains(cond, "record t"));
  EXPECT_TRUE(contains(graph_to_dot(corpus_graph("while_loop")), "label=\"loop\""));
}

TEST(GraphDot, PathBetweenSourceAndTarget) {
  // round_in_loss: w -> scaled -> r -> s -> loss, and b -> s -> loss.
  const graph::Graph g = corpus_graph("round_in_loss");
  const ValuePath w = path_between(g, "w", "loss");
  ASSERT_TRUE(w.found);
  EXPECT_EQ(w.values, (std::vector<std::string>{"w", "scaled", "r", "s", "loss"}));
  EXPECT_EQ(w.ops, (std::vector<std::string>{"mul", "round", "add", "reduce_sum"}));
  const ValuePath b = path_between(g, "b", "loss");
  EXPECT_EQ(b.values, (std::vector<std::string>{"b", "s", "loss"}));
  EXPECT_FALSE(path_between(g, "loss", "w").found);    // edges have a direction
  EXPECT_FALSE(path_between(g, "nope", "loss").found);
  // Through a loop: the loop's parameters and body are on the path.
  const ValuePath loop = path_between(corpus_graph("while_loop"), "w", "loss");
  ASSERT_TRUE(loop.found);
  EXPECT_NE(std::find(loop.ops.begin(), loop.ops.end(), "tanh"), loop.ops.end());
}

TEST(GraphDot, StyleMarksPathCutAndNone) {
  const graph::Graph g = corpus_graph("round_in_loss");
  DotStyle style;
  style.highlight = {"w", "loss"};
  style.path_source = "w";
  style.path_target = "loss";
  style.cut = "r";
  style.cut_note = "cut: non-differentiable";
  style.gradient_values[{"loss", "w"}] = "None";
  style.gradient_values[{"loss", "b"}] = "f32[4]";
  style.notes["b"] = "[0.1, 0.2, …]";
  const std::string dot = graph_to_dot(g, style);
  EXPECT_TRUE(contains(node_line(dot, "w\\n"), "#cf222e"));            // highlighted
  EXPECT_TRUE(contains(node_line(dot, "mul\\nscaled"), "#e16f24"));    // on the path
  EXPECT_FALSE(contains(node_line(dot, "b\\n"), "#e16f24"));           // not on it
  EXPECT_TRUE(contains(node_line(dot, "round\\nr"), "peripheries=2"));  // the cut
  EXPECT_TRUE(contains(node_line(dot, "round\\nr"), "cut: non-differentiable"));
  EXPECT_TRUE(contains(node_line(dot, "gw\\n= None"), "dashed"));
  EXPECT_TRUE(contains(dot, "gb\\n= f32[4]"));
  EXPECT_TRUE(contains(node_line(dot, "b\\n"), "[0.1, 0.2, …]"));
  // An explicit path replaces the computed one.
  style.path = {"b", "s"};
  const std::string named = graph_to_dot(g, style);
  EXPECT_TRUE(contains(node_line(named, "b\\n"), "#e16f24"));
  EXPECT_FALSE(contains(node_line(named, "mul\\nscaled"), "#e16f24"));
}

TEST(GraphDot, MissingDotIsAnErrorValue) {
  const SvgResult svg = render_svg("digraph g {}", "/nonexistent/dot");
  EXPECT_FALSE(svg.ok());
  EXPECT_TRUE(contains(svg.error, "was not found"));
  EXPECT_FALSE(have_executable(""));
}

}  // namespace
}  // namespace tc::reports
