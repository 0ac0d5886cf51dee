#include "graph/validate.hpp"

#include <gtest/gtest.h>

#include "tests/graph/fixtures.hpp"

namespace tc::graph {
namespace {

std::string spec(const ValueSpecs& s, const std::string& name) {
  auto it = s.find(name);
  if (it == s.end()) return "<missing>";
  return std::string(dtype_name(it->second.dtype)) + it->second.shape.str();
}

TEST(Validate, SpecsOfEveryValue) {
  SourceMap map;
  const Graph g = parse_tcg_syntax(test::kFullGraph, &map);
  const ValueSpecs s = validate(g, &map);
  // Inputs.
  EXPECT_EQ(spec(s, "a"), "f64[2,2]");
  EXPECT_EQ(spec(s, "b"), "f32[3]");
  EXPECT_EQ(spec(s, "k"), "i32[]");
  // Op results, through OpDef::infer.
  EXPECT_EQ(spec(s, "x"), "f64[2,2]");
  EXPECT_EQ(spec(s, "s"), "f64[2]");
  EXPECT_EQ(spec(s, "z"), "f64[2]");   // inside stop_recording: visible after it
  EXPECT_EQ(spec(s, "p"), "bool[]");
  EXPECT_EQ(spec(s, "kf"), "f64[]");
  // Control flow: results, block-local values, loop variables.
  EXPECT_EQ(spec(s, "r"), "f64[2]");
  EXPECT_EQ(spec(s, "q"), "f64[2]");
  EXPECT_EQ(spec(s, "w"), "f64[2]");
  EXPECT_EQ(spec(s, "i"), "f64[]");
  EXPECT_EQ(spec(s, "acc"), "f64[2]");
  EXPECT_EQ(spec(s, "li"), "f64[]");
  EXPECT_EQ(spec(s, "la"), "f64[2]");
  EXPECT_EQ(spec(s, "c2"), "bool[]");
  EXPECT_EQ(spec(s, "la2"), "f64[2]");
  // Gradients have their source's spec.
  EXPECT_EQ(spec(s, "ga"), "f64[2,2]");
  EXPECT_EQ(spec(s, "gc"), "f64[2]");
  EXPECT_EQ(spec(s, "gs"), "f64[]");
  EXPECT_EQ(spec(s, "h"), "f64[2,2]");
  EXPECT_EQ(s.size(), 30u);
}

TEST(Validate, AttrsGraphSpecs) {
  const ValueSpecs s = validate(parse_tcg(test::kAttrsGraph));
  EXPECT_EQ(spec(s, "tr"), "f64[3,2]");
  EXPECT_EQ(spec(s, "rs"), "f64[3,2]");
  EXPECT_EQ(spec(s, "bt"), "f64[4,2,3]");
  EXPECT_EQ(spec(s, "ex"), "f64[2,3,1]");
  EXPECT_EQ(spec(s, "sq"), "f64[2,3]");
  EXPECT_EQ(spec(s, "cc"), "f64[6,3]");
  EXPECT_EQ(spec(s, "sl"), "f64[2,2]");
  EXPECT_EQ(spec(s, "g"), "f64[2,2]");
  EXPECT_EQ(spec(s, "am"), "i32[2]");
  EXPECT_EQ(spec(s, "cs"), "bool[2,3]");
  EXPECT_EQ(spec(s, "u"), "f64[2,3]");
  EXPECT_EQ(spec(s, "v"), "f64[]");
  // Integer and bool sources are allowed (their gradient is None).
  EXPECT_EQ(spec(s, "didx"), "i32[2]");
  EXPECT_EQ(spec(s, "dm"), "bool[2]");
}

// Graphs built in code have no Locations: messages stand alone.
Graph one_op(const std::string& op, std::vector<std::string> operands, OpAttrs attrs = {}) {
  Graph g;
  Input a;
  a.name = "a";
  a.shape = Shape({2});
  a.init.kind = Init::Kind::values;
  a.init.values = {1, 2};
  g.inputs.push_back(a);
  g.body.push_back({OpStmt{"y", op, std::move(operands), std::move(attrs)}, {}});
  return g;
}

std::string error_of(const Graph& g) {
  try {
    validate(g);
  } catch (const GraphError& e) {
    EXPECT_EQ(e.location().line, 0);
    EXPECT_EQ(std::string(e.what()), e.message());
    return e.message();
  }
  return "<no error>";
}

TEST(Validate, BuiltGraphs) {
  EXPECT_EQ(spec(validate(one_op("exp", {"a"})), "y"), "f64[2]");
  EXPECT_EQ(error_of(one_op("exq", {"a"})), "unknown op 'exq' (did you mean: exp?)");
  OpAttrs axis;
  axis.axis = 1;
  EXPECT_EQ(error_of(one_op("exp", {"a"}, axis)),
            "op exp has no attribute 'axis' (exp takes no attributes)");
  EXPECT_EQ(error_of(one_op("exp", {"a", "a"})), "exp takes 1 operand, got 2");
  EXPECT_EQ(error_of(one_op("exp", {"b"})), "undefined value %b");
  EXPECT_EQ(error_of(one_op("exp", {"bad name"})), "invalid value name 'bad name'");
  OpAttrs shape;
  shape.shape = {3};
  EXPECT_NE(error_of(one_op("reshape", {"a"}, shape)).find("[2]"), std::string::npos);
  EXPECT_NE(error_of(one_op("concat", {})).find("at least one operand"), std::string::npos);

  Graph huge = one_op("exp", {"a"});
  huge.inputs[0].shape = Shape({1 << 20, 1 << 20});
  huge.inputs[0].init.kind = Init::Kind::uniform;
  EXPECT_NE(error_of(huge).find("more than 16777216 elements"), std::string::npos);

  OpAttrs big;
  big.shape = {1 << 13, 1 << 13, 2};
  EXPECT_NE(error_of(one_op("broadcast_to", {"a"}, big)).find("elements"), std::string::npos)
      << error_of(one_op("broadcast_to", {"a"}, big));
}

TEST(Validate, DepthLimitOnBuiltGraphs) {
  Graph g;
  g.tapes.push_back({"t", false, true, {}});
  Block inner;
  for (int i = 0; i < 1000; ++i) {
    Record r{"t", std::move(inner)};
    inner = Block{};
    inner.push_back({std::move(r), {}});
  }
  g.body = std::move(inner);
  EXPECT_NE(error_of(g).find("nest deeper than 64"), std::string::npos);
}

TEST(Validate, CondAndWhileResultsAreVisibleAfterwards) {
  const ValueSpecs s = validate(parse_tcg(
      "input %x: f64[3] variable normal(0, 1) seed=1\n"
      "input %lim: f64[] constant values(2)\n"
      "input %one: f64[] constant values(1)\n"
      "%n = reduce_sum %x axes=[] keepdims=false\n"
      "%p = less %n %lim\n"
      "%r = cond %p {\n"
      "  yield %x\n"
      "} else {\n"
      "  yield %x\n"
      "}\n"
      "%i, %v = while %one, %r max_iterations=5 (%ci, %cv) {\n"
      "  %go = less %ci %lim\n"
      "  yield %go\n"
      "} do {\n"
      "  %ni = add %ci %one\n"
      "  %nv = sin %cv\n"
      "  yield %ni, %nv\n"
      "}\n"
      "%out = add %r %v\n"));
  EXPECT_EQ(spec(s, "out"), "f64[3]");
}

TEST(Validate, StopRecordingAndTapeState) {
  const char* ok =
      "input %x: f64[] variable normal(0, 1) seed=1\n"
      "tape a\n"
      "tape b\n"
      "record a {\n"
      "  record b {\n"
      "    stop_recording a {\n"
      "      %y = exp %x\n"
      "    }\n"
      "  }\n"
      "}\n"
      "record a {\n"  // entering a tape again after it stopped is fine
      "}\n";
  EXPECT_NO_THROW(parse_tcg(ok));
  try {
    parse_tcg("tape a\nrecord a {\n  stop_recording a {\n    stop_recording a {\n    }\n  }\n}\n");
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_EQ(e.location().line, 4);
    EXPECT_EQ(e.location().column, 20);
    EXPECT_NE(e.message().find("already inside stop_recording"), std::string::npos);
  }
}

TEST(Validate, GradientOptions) {
  const char* prelude =
      "input %x: f64[2] variable normal(0, 1) seed=1\n"
      "input %og: f64[2] constant values(1, 0.5)\n"
      "tape t\n"
      "record t {\n"
      "  %y = exp %x\n"
      "}\n";
  EXPECT_NO_THROW(parse_tcg(std::string(prelude) +
                            "%g = grad t %y wrt %x output_gradients=%og unconnected=zero\n"));
  // The same value as target and source, a source never recorded: legal graphs.
  EXPECT_NO_THROW(parse_tcg(std::string(prelude) + "%g1, %g2 = grad t %y wrt %y, %og\n"));
}

}  // namespace
}  // namespace tc::graph
