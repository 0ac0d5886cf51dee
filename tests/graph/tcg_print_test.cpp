#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/op_table.hpp"
#include "graph/tcg.hpp"
#include "graph/validate.hpp"
#include "tests/graph/fixtures.hpp"

namespace tc::graph {
namespace {

TEST(TcgPrint, CanonicalTextsPrintBackUnchanged) {
  for (const std::string& text : test::canonical_texts()) {
    const Graph g = parse_tcg(text);
    EXPECT_EQ(print_tcg(g), text);
  }
}

TEST(TcgPrint, ReparsedGraphIsStructurallyEqual) {
  for (const std::string& text : test::canonical_texts()) {
    const Graph g = parse_tcg(text);
    const Graph again = parse_tcg(print_tcg(g));
    EXPECT_TRUE(structurally_equal(g, again)) << text;
  }
}

// A graph built in code (no Locations), with doubles that need care to round-trip.
Graph built_graph() {
  Graph g;
  g.name = "built";
  Input x;
  x.name = "x";
  x.dtype = DType::f32;
  x.shape = Shape({2});
  x.kind = InputKind::variable;
  x.trainable = false;
  x.init.kind = Init::Kind::normal;
  x.init.a = 0.1;
  x.init.b = 1e-300;
  x.init.seed = 7;
  g.inputs.push_back(x);
  Input c;
  c.name = "c";
  c.shape = Shape({3});
  c.init.kind = Init::Kind::values;
  c.init.values = {std::nan(""), -0.0, 5e-324};
  g.inputs.push_back(c);
  g.tapes.push_back({"tp", true, false, {}});

  OpStmt leaky{"y", "leaky_relu", {"x"}, {}};
  leaky.attrs.alpha = 1.0 / 3.0;
  OpStmt sum{"s", "reduce_sum", {"y"}, {}};
  sum.attrs.axes = {0};
  sum.attrs.keepdims = true;
  Record rec{"tp", {}};
  rec.body.push_back({leaky, {}});
  rec.body.push_back({sum, {}});
  g.body.push_back({rec, {}});
  Gradient grad;
  grad.results = {"gx", "gc"};
  grad.tape = "tp";
  grad.target = "s";
  grad.sources = {"x", "c"};
  grad.unconnected = Unconnected::zero;
  g.body.push_back({grad, {}});
  return g;
}

TEST(TcgPrint, BuiltGraphRoundTrips) {
  const Graph g = built_graph();
  ASSERT_NO_THROW(validate(g));
  const std::string text = print_tcg(g);
  EXPECT_EQ(text,
            "graph built\n"
            "input %x: f32[2] variable trainable=false normal(0.1, 1e-300) seed=7\n"
            "input %c: f64[3] constant values(nan, -0, 5e-324)\n"
            "tape tp persistent watch_accessed_variables=false\n"
            "record tp {\n"
            "  %y = leaky_relu %x alpha=0.3333333333333333\n"
            "  %s = reduce_sum %y axes=[0] keepdims=true\n"
            "}\n"
            "%gx, %gc = grad tp %s wrt %x, %c unconnected=zero\n");
  const Graph back = parse_tcg(text);
  EXPECT_TRUE(structurally_equal(g, back));
  EXPECT_EQ(print_tcg(back), text);
}

// Found by fuzzing: a bool -0 prints as `false`, which reads back as +0.
TEST(TcgPrint, IntegerAndBoolValuesHaveNoSignedZero) {
  const Graph g = parse_tcg("input %m: bool[2] constant values(1, -0)\n"
                            "input %k: i32[1] constant values(-0)\n");
  const std::string text = print_tcg(g);
  EXPECT_EQ(text, "input %m: bool[2] constant values(true, false)\n"
                  "input %k: i32[1] constant values(-0)\n");
  EXPECT_TRUE(structurally_equal(parse_tcg(text), g));
}

TEST(TcgPrint, PrintsEveryDeclaredAttributeAndNoOther) {
  // Whatever the table holds: each op prints exactly its declared attributes, in order.
  for (const OpDef* op : op_table()) {
    Graph g;
    OpStmt s{"r", op->name, {}, {}};
    s.attrs.axis = 5;  // set even where undeclared: the printer must not show it
    g.body.push_back({s, {}});
    const std::string line = print_tcg(g);
    std::string expected_tail;
    for (std::string_view name : declared_attrs(*op)) expected_tail += " " + std::string(name) + "=";
    std::string got_tail;
    for (std::size_t p = line.find(' ', line.find(op->name)); p != std::string::npos;
         p = line.find(' ', p + 1)) {
      const std::size_t eq = line.find('=', p);
      if (eq == std::string::npos) break;
      got_tail += line.substr(p, eq - p + 1);
    }
    EXPECT_EQ(got_tail, expected_tail) << op->name << ": " << line;
  }
}

TEST(TcgPrint, FormatDouble) {
  EXPECT_EQ(format_double(1.0), "1");
  EXPECT_EQ(format_double(-2.0), "-2");
  EXPECT_EQ(format_double(100000.0), "100000");
  EXPECT_EQ(format_double(0.2), "0.2");
  EXPECT_EQ(format_double(-0.0), "-0");
  EXPECT_EQ(format_double(1e300), "1e+300");
  EXPECT_EQ(format_double(HUGE_VAL), "inf");
  EXPECT_EQ(format_double(-HUGE_VAL), "-inf");
  EXPECT_EQ(format_double(std::nan("")), "nan");
  for (double x : {0.1, 1.0 / 3.0, 1e-310, 123456789.123456789, -2.5e-8, 9007199254740993.0}) {
    const auto back = parse_double(format_double(x));
    ASSERT_TRUE(back.has_value()) << format_double(x);
    EXPECT_TRUE(same_double(*back, x)) << format_double(x);
  }
  EXPECT_FALSE(parse_double("+1"));
  EXPECT_FALSE(parse_double("0x10"));
  EXPECT_FALSE(parse_double("1e"));
  EXPECT_FALSE(parse_double("infinity"));
  EXPECT_TRUE(same_double(*parse_double("1e999"), HUGE_VAL));
}

TEST(TcgPrint, IndentsTwoSpacesPerBlockLevel) {
  const std::string text = print_tcg(parse_tcg(test::kFullGraph));
  EXPECT_NE(text.find("\n  record t {\n"), std::string::npos);
  EXPECT_NE(text.find("\n      %z = exp %s\n"), std::string::npos);
}

}  // namespace
}  // namespace tc::graph
