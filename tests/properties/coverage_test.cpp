// P11: coverage of the op table. Each case focuses on one op drawn from op_table() (RC_TAG:
// RapidCheck prints how many cases each op got) and must contain it, run clean and agree with
// the connectivity and finite-difference oracles; and the default generator, unfocused,
// reaches every op of the table within a few hundred graphs (the counts are printed).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <variant>

#include "engine/ops/op_table.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/tcg.hpp"
#include "oracles/connectivity.hpp"
#include "oracles/finite_difference.hpp"
#include "properties/checks.hpp"
#include "properties/generators.hpp"

namespace tc::properties {
namespace {

std::map<std::string, int> op_counts(const graph::Graph& g) {
  std::map<std::string, int> n;
  std::function<void(const graph::Block&)> walk = [&](const graph::Block& b) {
    for (const auto& s : b) {
      if (const auto* op = std::get_if<graph::OpStmt>(&s.node)) n[op->op]++;
      else if (const auto* r = std::get_if<graph::Record>(&s.node)) walk(r->body);
      else if (const auto* sr = std::get_if<graph::StopRecording>(&s.node)) walk(sr->body);
      else if (const auto* c = std::get_if<graph::Cond>(&s.node)) {
        walk(c->then_body);
        walk(c->else_body);
      } else if (const auto* w = std::get_if<graph::While>(&s.node)) {
        walk(w->cond_body);
        walk(w->body);
      }
    }
  };
  walk(g.body);
  return n;
}

std::vector<std::string> table_ops() {
  std::vector<std::string> names;
  for (const OpDef* op : op_table()) names.push_back(op->name);
  return names;
}

RC_GTEST_PROP(P11_Coverage, EveryOpOfTheTableIsGeneratedAndChecked, ()) {
  const std::string op = *rc::gen::elementOf(table_ops());
  GenOptions o;
  o.focus_op = &get_op(op);
  const graph::Graph g = *genGraph(o);
  RC_TAG(op);
  // Not asserted here: shrinking may (and should) drop the op when the failure lies
  // elsewhere. FocusedOpAlwaysAppears checks that the generator never leaves it out.
  auto engine = eut::make_reference_engine();
  const Case c = prepare(g, *engine);
  assert_no_mismatch(oracles::check_connectivity(c.graph, c.inputs, c.run));
  assert_no_mismatch(on_values(oracles::check_finite_differences(c.graph, c.inputs, c.run, fd_options(c.graph, c.specs)), c));
}

RC_GTEST_PROP(P11_Coverage, FocusedOpAlwaysAppears, ()) {
  const std::string op = *rc::gen::elementOf(table_ops());
  GenOptions o;
  o.focus_op = &get_op(op);
  const graph::Graph g = *rc::gen::noShrink(genGraph(o));
  RC_LOG() << graph::print_tcg(g);
  RC_ASSERT(op_counts(g).count(op) > 0);
}

TEST(P11_Coverage, DefaultGeneratorReachesEveryOp) {
  std::map<std::string, int> total, graphs;
  const int n = 400;
  for (int s = 0; s < n; ++s) {
    const graph::Graph g = build_graph({}, 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(s + 1), s % 101);
    for (const auto& [op, k] : op_counts(g)) {
      total[op] += k;
      graphs[op]++;
    }
  }
  std::cout << "op occurrences in " << n << " default graphs (op: occurrences / graphs):\n";
  for (const std::string& op : table_ops())
    std::cout << "  " << std::left << std::setw(20) << op << total[op] << " / " << graphs[op] << "\n";
  for (const std::string& op : table_ops()) EXPECT_GT(total[op], 0) << op << " never generated";
}

}  // namespace
}  // namespace tc::properties
