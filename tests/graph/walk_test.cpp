// graph/walk.hpp: the one traversal of nested blocks — its order, what it enters, where it
// says a statement sits, rewriting, the names a statement reads and defines, and the loop-count
// model.
#include "graph/walk.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "graph/tcg.hpp"
#include "tests/graph/fixtures.hpp"

namespace tc::graph {
namespace {

// What a statement is called in these tests: the first name it defines, or its kind.
std::string label(const Statement& s) {
  std::string first;
  for_each_def(s, [&](const std::string& n) {
    if (first.empty()) first = n;
  });
  if (!first.empty()) return first;
  if (std::holds_alternative<Record>(s.node)) return "record " + std::get<Record>(s.node).tape;
  if (std::holds_alternative<StopRecording>(s.node)) return "stop " + std::get<StopRecording>(s.node).tape;
  if (std::holds_alternative<Watch>(s.node)) return "watch " + std::get<Watch>(s.node).tape;
  if (std::holds_alternative<ApplyGradients>(s.node)) return "step";
  return "?";
}

std::vector<std::string> labels(const std::vector<const char*>& v) { return {v.begin(), v.end()}; }

TEST(Walk, VisitsEveryStatementPreOrderInBlockOrder) {
  const Graph g = parse_tcg(test::kFullGraph);
  std::vector<std::string> seen;
  walk(g.body, [&](const Statement& s, const Place&) { seen.push_back(label(s)); });
  EXPECT_EQ(seen, labels({"record outer", "watch outer", "record t", "watch t", "x", "s", "stop t", "z",
                          "ssum", "zsum", "p", "r", "q", "w", "li", "c2", "li2", "la2", "kf", "loss0",
                          "loss", "ga", "gs", "h", "step"}));
}

TEST(Walk, TapeBlocksOnlySkipsCondAndWhileBlocks) {
  const Graph g = parse_tcg(test::kFullGraph);
  std::vector<std::string> seen;
  walk(
      g.body, [&](const Statement& s, const Place&) { seen.push_back(label(s)); }, Enter::tape_blocks);
  EXPECT_EQ(seen, labels({"record outer", "watch outer", "record t", "watch t", "x", "s", "stop t", "z",
                          "ssum", "zsum", "p", "r", "li", "kf", "loss0", "loss", "ga", "gs", "h", "step"}));
}

TEST(Walk, PlaceTellsDepthControlFlowAndTrips) {
  const Graph g = parse_tcg(test::kFullGraph);
  std::map<std::string, Place> at;
  walk(g.body, [&](const Statement& s, const Place& p) { at[label(s)] = p; });
  EXPECT_EQ(at["record outer"].depth, 0);
  EXPECT_EQ(at["x"].depth, 2);
  EXPECT_EQ(at["z"].depth, 3);  // record outer > record t > stop_recording
  EXPECT_FALSE(at["z"].in_control_flow);
  EXPECT_TRUE(at["q"].in_control_flow);
  EXPECT_TRUE(at["w"].in_control_flow);
  EXPECT_EQ(at["la2"].assumed_trips, 10);  // max_iterations=10
  EXPECT_EQ(at["la2"].max_trips, 11);      // and the condition once more
  EXPECT_EQ(at["c2"].assumed_trips, 10);
  EXPECT_EQ(at["li"].max_trips, 1);  // the while statement itself runs once
  const Block& record_t = std::get<Record>(std::get<Record>(g.body[0].node).body[1].node).body;
  EXPECT_EQ(at["r"].block, &record_t);
  EXPECT_EQ(at["r"].index, 7u);
  EXPECT_EQ(at["q"].block, &std::get<Cond>(record_t[7].node).then_body);
}

TEST(Walk, StepSkipsBlocksOrStops) {
  const Graph g = parse_tcg(test::kFullGraph);
  std::vector<std::string> seen;
  walk(g.body, [&](const Statement& s, const Place&) {
    seen.push_back(label(s));
    if (std::holds_alternative<Cond>(s.node)) return Step::skip_blocks;
    if (label(s) == "li2") return Step::stop;
    return Step::next;
  });
  EXPECT_EQ(seen, labels({"record outer", "watch outer", "record t", "watch t", "x", "s", "stop t", "z",
                          "ssum", "zsum", "p", "r", "li", "c2", "li2"}));
}

TEST(Walk, MutableWalkChangesStatementsInPlace) {
  Graph g = parse_tcg(test::kFullGraph);
  walk(g.body, [&](Statement& s, const BasicPlace<Block>&) {
    for_each_use(s, [](std::string& n) {
      if (n == "s") n = "x";
    });
  });
  const std::string text = print_tcg(g);
  EXPECT_NE(text.find("%z = exp %x"), std::string::npos) << text;        // in stop_recording
  EXPECT_NE(text.find("%w = sin %x"), std::string::npos) << text;        // in a cond branch
  EXPECT_NE(text.find("%s = reduce_sum %x"), std::string::npos) << text;  // a definition stays
}

TEST(Rewrite, HandsStatementsOverAfterTheirBlocksInRunOrder) {
  Graph g = parse_tcg(test::kFullGraph);
  std::vector<std::string> order;
  rewrite(g.body, [&](Statement&& s, Block& out, const Place&) {
    order.push_back(label(s));
    out.push_back(std::move(s));
  });
  EXPECT_EQ(order, labels({"watch outer", "watch t", "x", "s", "z", "stop t", "ssum", "zsum", "p", "q",
                           "w", "r", "c2", "li2", "la2", "li", "kf", "loss0", "loss", "record t", "ga",
                           "gs", "record outer", "h", "step"}));
  EXPECT_TRUE(structurally_equal(g, parse_tcg(test::kFullGraph)));  // kept as it was
}

TEST(Rewrite, DropsReplacesAndInlines) {
  Graph g = parse_tcg(test::kFullGraph);
  rewrite(g.body, [&](Statement&& s, Block& out, const Place&) {
    if (std::holds_alternative<Record>(s.node) || std::holds_alternative<StopRecording>(s.node)) {
      for_each_block(s, [&](Block& body, BlockRole) {
        for (Statement& inner : body) out.push_back(std::move(inner));
      });
      return;
    }
    if (std::holds_alternative<Gradient>(s.node) || std::holds_alternative<ApplyGradients>(s.node)) return;
    if (auto* op = std::get_if<OpStmt>(&s.node); op && op->op == "tanh") op->op = "sigmoid";
    out.push_back(std::move(s));
  });
  const std::string text = print_tcg(g);
  EXPECT_EQ(text.find("record"), std::string::npos) << text;
  EXPECT_EQ(text.find("stop_recording"), std::string::npos) << text;
  EXPECT_EQ(text.find("grad"), std::string::npos) << text;
  EXPECT_NE(text.find("%la2 = sigmoid %la"), std::string::npos) << text;
  EXPECT_NE(text.find("} else {\n  %w = sin %s\n  yield %w"), std::string::npos) << text;
}

TEST(Rewrite, TapeBlocksOnlyLeavesControlFlowAlone) {
  Graph g = parse_tcg(test::kFullGraph);
  int seen = 0;
  rewrite(
      g.body,
      [&](Statement&& s, Block& out, const Place&) {
        ++seen;
        out.push_back(std::move(s));
      },
      Enter::tape_blocks);
  EXPECT_EQ(seen, 20);  // all but the 5 statements inside cond and while blocks
}

TEST(Names, UsesAndDefsOfEveryStatementKind) {
  const Graph g = parse_tcg(test::kFullGraph);
  std::map<std::string, std::vector<std::string>> uses, defs;
  walk(g.body, [&](const Statement& s, const Place&) {
    const std::string k = label(s);
    for_each_use(s, [&](const std::string& n) { uses[k].push_back(n); });
    for_each_def(s, [&](const std::string& n) { defs[k].push_back(n); });
  });
  EXPECT_EQ(uses["x"], (std::vector<std::string>{"a", "a"}));
  EXPECT_EQ(uses["watch t"], (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(uses["r"], (std::vector<std::string>{"p", "q", "w"}));                    // pred, yields
  EXPECT_EQ(uses["li"], (std::vector<std::string>{"n", "r", "c2", "li2", "la2"}));    // init, yields
  EXPECT_EQ(uses["h"], (std::vector<std::string>{"gs", "a", "one"}));                 // target, sources, og
  EXPECT_EQ(defs["li"], (std::vector<std::string>{"li", "la", "i", "acc"}));          // params, results
  EXPECT_EQ(defs["ga"], (std::vector<std::string>{"ga", "gc"}));
  EXPECT_EQ(uses["step"], (std::vector<std::string>{"h", "a"}));  // gradients, variables
  EXPECT_TRUE(defs["step"].empty());  // the variables are updated in place
  EXPECT_TRUE(uses["record t"].empty());
  EXPECT_TRUE(defs["record t"].empty());
  EXPECT_EQ(*tape_of(g.body[0]), "outer");
}

TEST(LoopModel, CapAssumedAndMaximumTrips) {
  While w;
  w.max_iterations = 10;
  EXPECT_EQ(loop_cap(w), 10);
  EXPECT_EQ(assumed_trips(w), 10);
  EXPECT_EQ(max_trips(w), 11);
  w.max_iterations = 0;  // the body never runs, yet a static estimate counts it once
  EXPECT_EQ(loop_cap(w), 0);
  EXPECT_EQ(assumed_trips(w), 1);
  EXPECT_EQ(max_trips(w), 1);
  w.max_iterations = 1000;
  EXPECT_EQ(assumed_trips(w), kAssumedTripsMax);
  w.max_iterations = -1;  // no limit of its own: the engine's
  EXPECT_EQ(loop_cap(w), limits::kMaxLoopIterations);
  w.max_iterations = limits::kMaxLoopIterations + 1;
  EXPECT_EQ(loop_cap(w), limits::kMaxLoopIterations);
}

TEST(LoopModel, NestedTripsSaturateInsteadOfOverflowing) {
  // 40 nested loops of 100000 iterations: 10^200 trips.
  Block body;
  for (int i = 0; i < 40; ++i) {
    While w;
    w.max_iterations = limits::kMaxLoopIterations;
    w.body = std::move(body);
    body = Block{Statement{std::move(w), {}}};
  }
  std::int64_t deepest = 0;
  walk(body, [&](const Statement&, const Place& p) { deepest = std::max(deepest, p.max_trips); });
  EXPECT_EQ(deepest, kTripsSaturated);
}

}  // namespace
}  // namespace tc::graph
