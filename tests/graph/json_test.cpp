#include "graph/json.hpp"

#include <gtest/gtest.h>

#include "graph/validate.hpp"
#include "tests/graph/fixtures.hpp"

namespace tc::graph {
namespace {

using nlohmann::json;

TEST(Json, GraphToJsonToGraph) {
  for (const std::string& text : test::canonical_texts()) {
    const Graph g = parse_tcg(text);
    const json j = to_json(g);
    const Graph back = graph_from_json(j);
    EXPECT_TRUE(structurally_equal(g, back)) << j.dump(2);
    EXPECT_EQ(print_tcg(back), text);
    // Locations are not part of the JSON form.
    for (const Input& in : back.inputs) EXPECT_EQ(in.loc.line, 0);
    for (const Statement& st : back.body) EXPECT_EQ(st.loc.line, 0);
  }
}

TEST(Json, JsonToGraphToJsonIsIdentity) {
  for (const std::string& text : test::canonical_texts()) {
    const json j = to_json(parse_tcg(text));
    // Through text too, as files are stored.
    const json again = to_json(graph_from_json_text(j.dump()));
    EXPECT_EQ(again, j) << j.dump(2) << "\nvs\n" << again.dump(2);
  }
}

TEST(Json, Shape) {
  const json j = to_json(parse_tcg(
      "graph g\n"
      "input %x: f64[2] variable trainable=false normal(0, 2) seed=5\n"
      "input %m: bool[2] constant values(true, false)\n"
      "input %n: f64[2] constant values(nan, -inf)\n"
      "tape t persistent\n"
      "record t {\n"
      "  %y = leaky_relu %x alpha=0.5\n"
      "  %s = reduce_sum %y axes=[0] keepdims=false\n"
      "}\n"
      "%g = grad t %s wrt %x unconnected=zero\n"));
  const json expected = json::parse(R"({
    "name": "g",
    "inputs": [
      {"name": "x", "dtype": "f64", "shape": [2], "kind": "variable", "trainable": false,
       "init": {"kind": "normal", "mean": 0.0, "stddev": 2.0, "seed": 5}},
      {"name": "m", "dtype": "bool", "shape": [2], "kind": "constant",
       "init": {"kind": "values", "values": [true, false]}},
      {"name": "n", "dtype": "f64", "shape": [2], "kind": "constant",
       "init": {"kind": "values", "values": ["nan", "-inf"]}}
    ],
    "tapes": [{"name": "t", "persistent": true, "watch_accessed_variables": true}],
    "body": [
      {"kind": "record", "tape": "t", "body": [
        {"kind": "op", "result": "y", "op": "leaky_relu", "operands": ["x"],
         "attrs": {"alpha": 0.5}},
        {"kind": "op", "result": "s", "op": "reduce_sum", "operands": ["y"],
         "attrs": {"axes": [0], "keepdims": false}}
      ]},
      {"kind": "grad", "results": ["g"], "tape": "t", "target": "s", "sources": ["x"],
       "unconnected": "zero"}
    ]
  })");
  EXPECT_EQ(j, expected) << j.dump(2);
}

TEST(Json, OptionalFieldsTakeDefaults) {
  const Graph g = graph_from_json(json::parse(R"({
    "inputs": [{"name": "x", "dtype": "f32", "shape": [], "kind": "variable",
                "init": {"kind": "uniform", "lo": -1, "hi": 1}}],
    "tapes": [{"name": "t"}],
    "body": [{"kind": "record", "tape": "t", "body": [
      {"kind": "op", "result": "y", "op": "reduce_sum", "operands": ["x"]}]}]
  })"));
  EXPECT_EQ(print_tcg(g),
            "input %x: f32[] variable uniform(-1, 1) seed=0\n"
            "tape t\n"
            "record t {\n"
            "  %y = reduce_sum %x axes=[] keepdims=false\n"
            "}\n");
}

std::string json_error(const std::string& text) {
  try {
    graph_from_json_text(text);
  } catch (const GraphError& e) {
    EXPECT_EQ(e.location().line, 0);
    return e.what();
  }
  return "<no error>";
}

TEST(Json, ErrorsNameTheJsonPath) {
  const std::string inputs =
      R"("inputs": [{"name": "a", "dtype": "f64", "shape": [2], "kind": "constant",
                    "init": {"kind": "values", "values": [1, 2]}}])";
  struct Case {
    std::string text;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"[1, 2]", "/: expected an object, found array"},
      {R"({"nodes": []})", "/: unknown key 'nodes' (expected: name, inputs, tapes, body)"},
      {"{" + inputs + R"(, "body": [{"kind": "op", "result": "y", "op": "exp",
                                      "operands": ["zz"]}]})",
       "/body/0/operands/0: undefined value %zz"},
      {"{" + inputs + R"(, "body": [{"kind": "op", "result": "y", "op": "expo",
                                      "operands": ["a"]}]})",
       "/body/0/op: unknown op 'expo' (did you mean: exp"},
      {"{" + inputs + R"(, "body": [{"kind": "op", "result": "y", "op": "exp",
                                      "operands": ["a"], "attrs": {"axis": 1}}]})",
       "/body/0/attrs/axis: op exp has no attribute 'axis'"},
      {"{" + inputs + R"(, "body": [{"kind": "op", "result": "y", "op": "reduce_sum",
                                      "operands": ["a"], "attrs": {"keepdims": 1}}]})",
       "/body/0/attrs/keepdims: expected true or false, found number"},
      {"{" + inputs + R"(, "body": [{"kind": "op", "result": "y", "op": "exp",
                                      "operands": ["a"]},
                                     {"kind": "op", "result": "y", "op": "exp",
                                      "operands": ["a"]}]})",
       "/body/1/result: %y is already defined at /body/0/result"},
      {"{" + inputs + R"(, "body": [{"kind": "op", "result": "y", "op": "add",
                                      "operands": ["a", "a", "a"]}]})",
       "/body/0/operands/2: add takes 2 operands, got 3"},
      {"{" + inputs + R"(, "body": [{"kind": "loop"}]})",
       "/body/0/kind: unknown statement kind \"loop\""},
      {R"({"inputs": [{"name": "a", "dtype": "f16", "shape": [2], "kind": "constant",
                        "init": {"kind": "values", "values": [1, 2]}}]})",
       "/inputs/0/dtype: unknown dtype 'f16'"},
      {R"({"inputs": [{"name": "a", "dtype": "f64", "shape": [3], "kind": "constant",
                        "init": {"kind": "values", "values": [1, 2]}}]})",
       "/inputs/0/init: input %a: values(...) has 2 value(s) but f64[3] has 3 element(s)"},
      {R"({"inputs": [{"name": "a", "dtype": "f64", "shape": [100000, 100000], "kind": "constant",
                        "init": {"kind": "uniform", "lo": 0, "hi": 1}}]})",
       "/inputs/0/shape: input %a: shape [100000,100000] has more than"},
      {R"({"inputs": [{"name": "a", "dtype": "f64", "shape": [1.5], "kind": "constant",
                        "init": {"kind": "uniform", "lo": 0, "hi": 1}}]})",
       "/inputs/0/shape/0: expected an integer, found number"},
      {R"({"tapes": [{"name": "t"}], "body": [{"kind": "record", "tape": "u", "body": []}]})",
       "/body/0/tape: undeclared tape 'u' (declared: t)"},
  };
  for (const Case& c : cases) {
    const std::string got = json_error(c.text);
    EXPECT_EQ(got.rfind(c.expected, 0), 0u) << "got: " << got << "\nwanted: " << c.expected;
  }
}

TEST(Json, SyntaxErrorsAreLocatedInOurWords) {
  struct Case {
    std::string text;
    int line, column;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"{\"body\": [", 1, 11, "the JSON text ends before its value is complete"},
      {"{\n  \"body\": [1,}", 2, 14, "unexpected '}': expected a JSON value"},
      {"{\"a\" 1}", 1, 6, "unexpected '1': expected ':' after the object key"},
      {"{\"a\": 1} x", 1, 10, "unexpected 'x' after the JSON value"},
      {"{\"a\": \"abc", 1, 11, "a string is not closed"},
      {"{\n\n  \"lo\": 1e999}", 3, 9, "number 1e999 is out of range for a double"},
      {"  \n", 2, 1, "no JSON value: the text is empty"},
  };
  for (const Case& c : cases) {
    try {
      graph_from_json_text(c.text);
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const GraphError& e) {
      EXPECT_EQ(e.location().line, c.line) << c.text << ": " << e.what();
      EXPECT_EQ(e.location().column, c.column) << c.text << ": " << e.what();
      EXPECT_EQ(e.message().rfind(c.expected, 0), 0u) << e.message();
      EXPECT_EQ(e.message().find("json.exception"), std::string::npos) << e.message();
    }
  }
}

TEST(Json, F32ValuesMustFitF32) {
  const std::string text = R"({"inputs": [{"name": "a", "dtype": "f32", "shape": [2], "kind": "constant",
                                "init": {"kind": "values", "values": [1, 1e300]}}]})";
  EXPECT_EQ(json_error(text).rfind("/inputs/0/init/values/1: value 1e+300 is out of range for f32", 0), 0u)
      << json_error(text);
  const std::string uniform = R"({"inputs": [{"name": "a", "dtype": "f32", "shape": [2], "kind": "constant",
                                   "init": {"kind": "uniform", "lo": -1e39, "hi": 1}}]})";
  EXPECT_EQ(json_error(uniform).rfind("/inputs/0/init/lo: value -1e+39 is out of range for f32", 0), 0u)
      << json_error(uniform);
}

TEST(Json, NestingDepthIsBounded) {
  json body = json::array();
  for (int i = 0; i < 200; ++i) {
    json rec = {{"kind", "record"}, {"tape", "t"}, {"body", body}};
    body = json::array({rec});
  }
  const json g = {{"tapes", json::array({{{"name", "t"}}})}, {"body", body}};
  try {
    graph_from_json(g);
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_NE(e.message().find("nest deeper than 64"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tc::graph
