#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "graph/tcg.hpp"
#include "graph/validate.hpp"
#include "tests/graph/fixtures.hpp"

namespace tc::graph {
namespace {

TEST(TcgParse, ReadsEveryStatementKind) {
  const Graph g = parse_tcg(test::kFullGraph);
  EXPECT_EQ(g.name, "full");
  ASSERT_EQ(g.inputs.size(), 7u);
  EXPECT_EQ(g.inputs[0].name, "a");
  EXPECT_EQ(g.inputs[0].dtype, DType::f64);
  EXPECT_EQ(g.inputs[0].shape, Shape({2, 2}));
  EXPECT_EQ(g.inputs[0].kind, InputKind::variable);
  EXPECT_EQ(g.inputs[0].init.kind, Init::Kind::normal);
  EXPECT_EQ(g.inputs[0].init.seed, 1u);
  EXPECT_FALSE(g.inputs[1].trainable);
  EXPECT_EQ(g.inputs[1].init.kind, Init::Kind::uniform);
  EXPECT_EQ(g.inputs[1].init.a, -1.0);
  EXPECT_EQ(g.inputs[2].init.values, (std::vector<double>{1.5, -2}));
  EXPECT_EQ(g.inputs[3].dtype, DType::i32);
  EXPECT_EQ(g.inputs[3].shape.rank(), 0);
  ASSERT_EQ(g.tapes.size(), 2u);
  EXPECT_TRUE(g.tapes[0].persistent);
  EXPECT_TRUE(g.tapes[0].watch_accessed_variables);
  EXPECT_FALSE(g.tapes[1].persistent);
  EXPECT_FALSE(g.tapes[1].watch_accessed_variables);

  ASSERT_EQ(g.body.size(), 3u);
  const auto& step = std::get<ApplyGradients>(g.body[2].node);
  EXPECT_EQ(step.gradients, std::vector<std::string>{"h"});
  EXPECT_EQ(step.variables, std::vector<std::string>{"a"});
  EXPECT_EQ(step.learning_rate, 0.1);
  const auto& outer = std::get<Record>(g.body[0].node);
  EXPECT_EQ(outer.tape, "outer");
  EXPECT_EQ(g.body[0].loc.line, 11);
  EXPECT_EQ(g.body[0].loc.column, 1);
  const auto& inner = std::get<Record>(outer.body[1].node);
  EXPECT_EQ(outer.body[1].loc.column, 3);
  const auto& watch = std::get<Watch>(inner.body[0].node);
  EXPECT_EQ(watch.values, (std::vector<std::string>{"c", "b"}));
  const auto& sum = std::get<OpStmt>(inner.body[2].node);
  EXPECT_EQ(sum.op, "reduce_sum");
  EXPECT_EQ(sum.attrs.axes, (std::vector<std::int64_t>{0}));
  EXPECT_FALSE(sum.attrs.keepdims);
  EXPECT_TRUE(std::holds_alternative<StopRecording>(inner.body[3].node));
  const auto& cond = std::get<Cond>(inner.body[7].node);
  EXPECT_EQ(cond.pred, "p");
  EXPECT_EQ(cond.then_yield, (std::vector<std::string>{"q"}));
  EXPECT_EQ(cond.else_yield, (std::vector<std::string>{"w"}));
  const auto& loop = std::get<While>(inner.body[8].node);
  EXPECT_EQ(loop.results, (std::vector<std::string>{"i", "acc"}));
  EXPECT_EQ(loop.init, (std::vector<std::string>{"n", "r"}));
  EXPECT_EQ(loop.params, (std::vector<std::string>{"li", "la"}));
  EXPECT_EQ(loop.cond_yield, "c2");
  EXPECT_EQ(loop.body_yield, (std::vector<std::string>{"li2", "la2"}));
  EXPECT_EQ(loop.max_iterations, 10);
  const auto& cast = std::get<OpStmt>(inner.body[9].node);
  EXPECT_EQ(cast.attrs.dtype, DType::f64);
  const auto& g1 = std::get<Gradient>(outer.body[2].node);
  EXPECT_EQ(g1.results, (std::vector<std::string>{"ga", "gc"}));
  EXPECT_FALSE(g1.output_gradients.has_value());
  EXPECT_EQ(g1.unconnected, Unconnected::none);
  const auto& g2 = std::get<Gradient>(g.body[1].node);
  EXPECT_EQ(g2.output_gradients, std::optional<std::string>("one"));
  EXPECT_EQ(g2.unconnected, Unconnected::zero);
}

TEST(TcgParse, AcceptsLooseSpacingCommentsAndCrlf) {
  const std::string loose =
      "# a comment line\r\n"
      "\n"
      "   graph   full   # trailing comment\n"
      "input %a :f64 [ 2 , 2 ]variable normal( 0 ,1 )seed = 1\r\n"
      "\t\n"
      "tape  t   persistent\n"
      "record t{\n"
      "%x=matmul %a %a\n"
      "      %s = reduce_sum %x      # keepdims and axes left at their defaults\n"
      "}\n"
      "%g = grad t %s wrt %a unconnected=none\n";
  const Graph g = parse_tcg(loose);
  EXPECT_EQ(print_tcg(g),
            "graph full\n"
            "input %a: f64[2,2] variable normal(0, 1) seed=1\n"
            "tape t persistent\n"
            "record t {\n"
            "  %x = matmul %a %a transpose_a=false transpose_b=false\n"
            "  %s = reduce_sum %x axes=[] keepdims=false\n"
            "}\n"
            "%g = grad t %s wrt %a\n");
}

TEST(TcgParse, EmptyTextIsAnEmptyGraph) {
  const Graph g = parse_tcg("# nothing here\n\n");
  EXPECT_TRUE(g.name.empty());
  EXPECT_TRUE(g.inputs.empty());
  EXPECT_TRUE(g.body.empty());
  EXPECT_EQ(print_tcg(g), "");
}

TEST(TcgParse, SyntaxOnlyLeavesSemanticsAlone) {
  SourceMap map;
  const Graph g = parse_tcg_syntax("%y = no_such_op %undefined axis=3\n", &map);
  ASSERT_EQ(g.body.size(), 1u);
  const SourceMap::Spans* sp = map.find(g.body[0].loc);
  ASSERT_NE(sp, nullptr);
  ASSERT_EQ(sp->names.size(), 2u);
  EXPECT_EQ(sp->names[1].column, 17);
  EXPECT_EQ(sp->keyword.column, 6);
  ASSERT_NE(sp->attr("axis"), nullptr);
  EXPECT_EQ(sp->attr("axis")->column, 28);
}

struct BadCase {
  const char* name;
  std::string text;
  int line, column;
  const char* fragment;
};

// Lines 1-3 of most cases.
const std::string kPrelude =
    "input %a: f64[2,3] constant values(1, 2, 3, 4, 5, 6)\n"
    "input %b: f64[4] variable uniform(-1, 1) seed=3\n"
    "tape t\n";

// Lines 4-8 after kPrelude: a constant, and %gb = d s / d b (line 8); line 9 is the case's.
const std::string kStepPrelude = kPrelude +
                                 "input %c: f64[4] constant values(1, 2, 3, 4)\n"
                                 "record t {\n"
                                 "  %s = reduce_sum %b axes=[] keepdims=false\n"
                                 "}\n"
                                 "%gb = grad t %s wrt %b\n";

std::vector<BadCase> bad_cases() {
  const std::string P = kPrelude, S = kStepPrelude;
  return {
      // -- apply_gradients (R14) --
      {"step: gradients and variables differ in number", S + "apply_gradients %gb to %b, %c\n", 9, 24,
       "apply_gradients has 1 gradient(s) for 2 variable(s)"},
      {"step: a constant is not a variable", S + "apply_gradients %gb to %c\n", 9, 24,
       "%c is not a variable"},
      {"step: an integer variable", kPrelude + "input %n: i32[] variable values(1)\n"
                                    "record t {\n  %s = cast %n dtype=f64\n}\n"
                                    "%gn = grad t %s wrt %n unconnected=zero\n"
                                    "apply_gradients %gn to %n\n",
       9, 24, "%n is i32[]: apply_gradients updates floating variables"},
      {"step: a gradient that is not a grad result", S + "apply_gradients %s to %b\n", 9, 17,
       "%s is not the result of a grad statement"},
      {"step: inside a record block", S + "record t {\n  apply_gradients %gb to %b\n}\n", 10, 3,
       "apply_gradients is only allowed at the top level"},
      {"step: 'to' missing", S + "apply_gradients %gb %b\n", 9, 21, "expected 'to', found %b"},
      {"step: learning rate not finite", S + "apply_gradients %gb to %b learning_rate=inf\n", 9, 27,
       "learning_rate must be a finite number"},
      {"step: unknown option", S + "apply_gradients %gb to %b lr=0.1\n", 9, 27,
       "apply_gradients takes learning_rate=<number>"},
      // -- the brief's list --
      {"unknown op", P + "%y = expp %a\n", 4, 6, "unknown op 'expp' (did you mean: exp"},
      {"undeclared attr", P + "%y = exp %a axis=1\n", 4, 13, "op exp has no attribute 'axis'"},
      {"unknown attr", P + "%y = reduce_sum %a axs=[0]\n", 4, 20,
       "unknown attribute 'axs' (reduce_sum takes: axes, keepdims)"},
      {"attr type", P + "%y = reduce_sum %a keepdims=yes\n", 4, 29,
       "keepdims takes true or false"},
      {"too few operands", P + "%y = add %a\n", 4, 6, "add takes 2 operands, got 1"},
      {"too many operands", P + "%y = exp %a %a\n", 4, 13, "exp takes 1 operand, got 2"},
      {"broadcast mismatch", P + "%y = add %a %b\n", 4, 6, "[2,3] and [4]"},
      {"matmul mismatch", P + "%y = matmul %a %a\n", 4, 6, "%y = matmul: "},
      {"undefined name", P + "%y = exp %nope\n", 4, 10, "undefined value %nope"},
      {"redefined name", P + "%y = exp %a\n%y = neg %a\n", 5, 1,
       "%y is already defined at 4:1"},
      {"redefined input", P + "%a = exp %a\n", 4, 1, "%a is already defined at 1:7"},
      {"missing brace", P + "record t {\n  %y = exp %a\n", 4, 10,
       "'{' is never closed (missing '}')"},
      {"missing inner brace", P + "record t {\n  record t {\n}\n", 4, 10,
       "'{' is never closed"},
      {"bad dtype", "input %a: f16[2] constant values(1, 2)\n", 1, 11, "unknown dtype 'f16'"},
      {"bad cast dtype", P + "%y = cast %a dtype=int\n", 4, 20, "unknown dtype 'int'"},
      {"values count", "input %a: f64[2,2] constant values(1, 2, 3)\n", 1, 29,
       "values(...) has 3 value(s) but f64[2,2] has 4 element(s)"},
      {"huge shape", "input %a: f64[100000,100000,100000] variable normal(0, 1) seed=1\n", 1,
       14, "[100000,100000,100000] has more than 16777216 elements"},
      {"int64 overflow dim", "input %a: f64[99999999999999999999] variable normal(0, 1)\n", 1, 15,
       "a dimension takes an integer"},
      {"rank 7", "input %a: f64[1,1,1,1,1,1,1] variable normal(0, 1)\n", 1, 27,
       "rank exceeds the maximum rank 6"},
      {"unterminated list", P + "%y = reduce_sum %a axes=[0,1\n", 4, 29,
       "unterminated list: expected ',' or ']'"},
      {"unterminated values", "input %a: f64[2] constant values(1, 2\n", 1, 38,
       "unterminated values(...)"},
      {"garbage bytes", std::string("\x01\xff\xfe garbage", 11), 1, 1, "unexpected byte 0x01"},
      {"garbage char", P + "%y = exp %a $\n", 4, 13, "unexpected character '$'"},
      {"high byte", P + "%y = exp %\xc3\xa9\n", 4, 10, "expected a name after '%'"},
      // -- scopes and SSA --
      {"use before def", P + "%y = exp %z\n%z = exp %a\n", 4, 10,
       "%z is used before its definition at 5:1"},
      {"self use", P + "%y = exp %y\n", 4, 10, "%y is used before its definition at 4:1"},
      {"block-local", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                          "%q = greater %p %p\n"
                          "%r = cond %q {\n  %inner = exp %a\n  yield %inner\n} else {\n"
                          "  yield %a\n}\n%z = exp %inner\n",
       12, 10, "%inner is not visible here: it is defined inside a block at 7:3"},
      {"else sees then", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                             "%q = greater %p %p\n"
                             "%r = cond %q {\n  %inner = exp %a\n  yield %inner\n} else {\n"
                             "  yield %inner\n}\n",
       10, 9, "%inner is not visible here"},
      {"loop var after loop", P + "%n = reduce_sum %b axes=[] keepdims=false\n"
                                  "%i = while %n (%li) {\n  %c = greater %li %li\n  yield %c\n"
                                  "} do {\n  yield %li\n}\n%z = exp %li\n",
       11, 10, "%li is not visible here"},
      // -- tapes --
      {"undeclared tape", P + "record u {\n}\n", 4, 8, "undeclared tape 'u' (declared: t)"},
      {"tape reentered", P + "record t {\n  record t {\n  }\n}\n", 5, 10,
       "tape 't' is already recording here"},
      {"stop outside record", P + "stop_recording t {\n}\n", 4, 16,
       "stop_recording: tape 't' is not recording here"},
      {"tape declared twice", "tape t\ntape t persistent\n", 2, 6,
       "tape 't' is already declared at 1:1"},
      {"tape after statement", P + "%y = exp %a\ntape u\n", 5, 1,
       "'tape' declarations must come before the first statement"},
      {"input in block", P + "record t {\n  input %z: f64[] constant values(1)\n}\n", 5, 3,
       "'input' is only allowed at the top of the graph"},
      {"graph not first", P + "graph g\n", 4, 1, "'graph' must be the first statement"},
      // -- cond / while --
      {"cond pred not scalar bool", P + "%r = cond %a {\n  yield %a\n} else {\n  yield %a\n}\n",
       4, 11, "the cond predicate %a must be a scalar bool, got f64[2,3]"},
      {"cond branches differ", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                                   "%q = greater %p %p\n"
                                   "%r = cond %q {\n  yield %a\n} else {\n  yield %b\n}\n",
       9, 9, "the then branch yields f64[2,3] but the else branch yields f64[4]"},
      {"cond yield count", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                               "%q = greater %p %p\n"
                               "%r = cond %q {\n  yield %a, %b\n} else {\n  yield %b\n}\n",
       7, 9, "cond has 1 result(s) but its then branch yields 2"},
      {"missing yield", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                            "%q = greater %p %p\n"
                            "%r = cond %q {\n} else {\n  yield %b\n}\n",
       7, 1, "the block must end with 'yield'"},
      {"yield not last", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                             "%q = greater %p %p\n"
                             "%r = cond %q {\n  yield %a\n  %z = exp %a\n} else {\n  yield %a\n}\n",
       8, 3, "'yield' must be the last statement of its block"},
      {"yield in record", P + "record t {\n  yield %a\n}\n", 5, 3,
       "'yield' is only allowed in cond and while blocks"},
      {"missing else", P + "%p = reduce_sum %b axes=[] keepdims=false\n"
                           "%q = greater %p %p\n"
                           "%r = cond %q {\n  yield %a\n}\n",
       8, 2, "expected 'else', found the end of the line"},
      {"while body shape", P + "%n = reduce_sum %b axes=[] keepdims=false\n"
                               "%i = while %n (%li) {\n  %c = greater %li %li\n  yield %c\n"
                               "} do {\n  yield %b\n}\n",
       9, 9, "the while body yields f64[4] for loop variable %li, which is f64[]"},
      {"while cond not bool", P + "%n = reduce_sum %b axes=[] keepdims=false\n"
                                  "%i = while %n (%li) {\n  yield %li\n} do {\n  yield %li\n}\n",
       6, 9, "the while condition must yield a scalar bool, got %li: f64[]"},
      {"while arity", P + "%n = reduce_sum %b axes=[] keepdims=false\n"
                          "%i = while %n (%li, %lj) {\n  %c = greater %li %li\n  yield %c\n"
                          "} do {\n  yield %li\n}\n",
       5, 16, "while has 1 initial value(s) but 2 loop variable(s)"},
      {"while cap", P + "%n = reduce_sum %b axes=[] keepdims=false\n"
                        "%i = while %n max_iterations=1000000 (%li) {\n"
                        "  %c = greater %li %li\n  yield %c\n} do {\n  yield %li\n}\n",
       5, 15, "max_iterations must be in [0, 100000]"},
      // -- gradients --
      {"grad result count", P + "%g = grad t %a wrt %a, %b\n", 4, 1,
       "grad has 1 result(s) for 2 source(s)"},
      {"grad undefined source", P + "%g = grad t %a wrt %zz\n", 4, 20, "undefined value %zz"},
      {"grad og shape", P + "%g = grad t %a wrt %b output_gradients=%b\n", 4, 40,
       "output_gradients %b has shape [4] but the target %a has shape [2,3]"},
      {"grad missing wrt", P + "%g = grad t %a %b\n", 4, 16, "expected 'wrt', found %b"},
      {"grad bad unconnected", P + "%g = grad t %a wrt %a unconnected=zeros\n", 4, 35,
       "unconnected takes none or zero"},
      // -- inputs --
      {"i32 values", "input %k: i32[2] constant values(1, 2.5)\n", 1, 27,
       "value 2.5 is not an i32"},
      {"bool values", "input %k: bool[1] constant values(2)\n", 1, 28, "is not a bool"},
      {"trainable constant", "input %k: f64[] constant trainable=false values(1)\n", 1, 26,
       "trainable=false applies to variables only"},
      {"seed on values", "input %k: f64[] constant values(1) seed=4\n", 1, 36,
       "seed applies only to uniform(...) and normal(...)"},
      {"no init", "input %k: f64[] constant\n", 1, 25, "the input needs an initializer"},
      {"bad uniform", "input %k: f64[] variable uniform(1, -1) seed=1\n", 1, 26,
       "uniform(lo, hi) needs finite lo <= hi"},
      {"negative dim", "input %k: f64[-1] variable normal(0, 1)\n", 1, 15,
       "negative dimension -1"},
      // -- lines and statements --
      {"two statements on a line", P + "%y = exp %a %z = exp %a\n", 4, 16,
       "unexpected '=' (expected an operand or name=value)"},
      {"trailing token", P + "record t { %y = exp %a\n}\n", 4, 12,
       "unexpected %y (one statement per line)"},
      {"stray brace", P + "}\n", 4, 1, "unexpected '}': no block is open"},
      {"unknown statement", P + "recrod t {\n}\n", 4, 1, "expected a statement, found 'recrod'"},
      {"op with two results", P + "%y, %z = exp %a\n", 4, 5,
       "an op statement defines exactly one result"},
      {"operand after attr", P + "%y = reduce_sum %a axes=[0] %b\n", 4, 29,
       "operands must come before attributes"},
      {"attr twice", P + "%y = reduce_sum %a axes=[0] axes=[1]\n", 4, 29,
       "attribute 'axes' given twice"},
      {"long list", P + "%y = reduce_sum %a axes=[" + [] {  // 65 entries: "0," each
         std::string l;
         for (int i = 0; i < 65; ++i) l += "0,";
         return l;
       }() + "0]\n", 4, 26 + 2 * 64, "axes has more than 64 entries"},
      {"unterminated text", P + "%y = einsum %a equation=\"i->i\n", 4, 25,
       "unterminated text"},
      {"invalid tape name", "tape 9t\n", 1, 6, "invalid tape name '9t'"},
      // -- literals out of range: an error, not a silent inf --
      {"f64 overflow", "input %a: f64[2] constant values(1, 1e999)\n", 1, 37,
       "number '1e999' is out of range for a double"},
      {"f64 overflow in an attribute", P + "%y = clip_by_value %b lo=-1e400 hi=1\n", 4, 26,
       "number '-1e400' is out of range for a double"},
      {"f32 overflow", "input %a: f32[2] constant values(1e300, 1)\n", 1, 34,
       "number '1e300' is out of range for f32"},
      {"f32 overflow in uniform", "input %a: f32[2] variable uniform(-1, 4e38)\n", 1, 39,
       "number '4e38' is out of range for f32"},
  };
}

TEST(TcgParse, ReadsAnOptimizerStep) {
  const Graph g = parse_tcg(kStepPrelude + "apply_gradients %gb to %b learning_rate=0.25\n");
  const auto& step = std::get<ApplyGradients>(g.body.back().node);
  EXPECT_EQ(step.gradients, std::vector<std::string>{"gb"});
  EXPECT_EQ(step.variables, std::vector<std::string>{"b"});
  EXPECT_EQ(step.learning_rate, 0.25);
  EXPECT_NE(print_tcg(g).find("\napply_gradients %gb to %b learning_rate=0.25\n"), std::string::npos);
  // Keras' SGD default when the rate is left out.
  const Graph d = parse_tcg(kStepPrelude + "apply_gradients %gb to %b\n");
  EXPECT_EQ(std::get<ApplyGradients>(d.body.back().node).learning_rate, 0.01);
}

TEST(TcgParse, MalformedInputsReportLineColumnAndMessage) {
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    try {
      parse_tcg(c.text);
      ADD_FAILURE() << "no error for: " << c.text;
    } catch (const GraphError& e) {
      EXPECT_EQ(e.location().line, c.line) << e.what();
      EXPECT_EQ(e.location().column, c.column) << e.what();
      EXPECT_NE(e.message().find(c.fragment), std::string::npos)
          << "message: " << e.message() << "\nwanted: " << c.fragment;
      const std::string prefix = std::to_string(c.line) + ":" + std::to_string(c.column) + ": ";
      EXPECT_EQ(std::string(e.what()), prefix + e.message());
    }
  }
}

TEST(TcgParse, ErrorsAreTcErrors) {
  try {
    parse_tcg("%y = exp %x\n");
    FAIL();
  } catch (const tc::Error& e) {
    EXPECT_STREQ(e.what(), "1:10: undefined value %x");
  }
}

TEST(TcgParse, NestingDepthIsBounded) {
  auto nested = [](int depth) {
    std::string s = "tape t\n";
    for (int i = 0; i < depth; ++i) s += "stop_recording t {\n";
    for (int i = 0; i < depth; ++i) s += "}\n";
    return s;
  };
  // 64 levels parse (the validator then objects to stop_recording outside record, which is fine).
  EXPECT_NO_THROW(parse_tcg_syntax(nested(kMaxBlockDepth)));
  try {
    parse_tcg_syntax(nested(kMaxBlockDepth + 1));
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_EQ(e.location().line, kMaxBlockDepth + 2);
    EXPECT_NE(e.message().find("nest deeper than 64"), std::string::npos);
  }
  // Far deeper hostile input stops at the limit instead of exhausting the stack.
  EXPECT_THROW(parse_tcg(nested(200000)), GraphError);
}

TEST(TcgParse, LongInputsParseInLinearTime) {
  // 100k operands on one line, 50k statements: a quadratic step would take minutes.
  std::string wide = "input %a: f64[] constant values(1)\n%y = concat";
  for (int i = 0; i < 100000; ++i) wide += " %a";
  wide += " axis=0\n";
  std::string tall = "input %a: f64[] constant values(1)\n";
  for (int i = 0; i < 50000; ++i) tall += "%v" + std::to_string(i) + " = exp %a\n";
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(parse_tcg(wide), GraphError);  // concat of scalars: a shape error
  EXPECT_NO_THROW(parse_tcg(tall));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 30.0);  // generous: CI machines are shared
}

// Random bytes and mutations of valid texts: the parser returns or throws GraphError,
// nothing else (a libFuzzer target does this at scale).
TEST(TcgParse, ArbitraryBytesOnlyEverThrowGraphError) {
  std::mt19937_64 rng(12345);
  std::vector<std::string> seeds = test::canonical_texts();
  const std::string alphabet = "%=,:[](){}# \n\tabcdefgirtu0123456789.-+_xyz\x80\xff";
  auto run = [](const std::string& text) {
    try {
      const Graph g = parse_tcg(text);
      // Whatever parses and validates prints back to the same graph.
      EXPECT_TRUE(structurally_equal(parse_tcg(print_tcg(g)), g)) << text;
    } catch (const GraphError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "non-GraphError " << e.what() << " for:\n" << text;
    }
  };
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text;
    if (iter % 2 == 0) {
      const std::size_t n = rng() % 200;
      for (std::size_t i = 0; i < n; ++i) text += alphabet[rng() % alphabet.size()];
    } else {
      text = seeds[rng() % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const std::size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0: text.erase(at, 1 + rng() % 8); break;
          case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          default: text[at] = alphabet[rng() % alphabet.size()]; break;
        }
      }
    }
    run(text);
  }
}

}  // namespace
}  // namespace tc::graph
