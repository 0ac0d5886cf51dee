// oracles/chain_terms.hpp: the Σ|terms| of the chain rule behind each entry, per element and
// along a direction.
#include "oracles/chain_terms.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/eut/ir_builder.hpp"
#include "tests/oracles/oracle_test_support.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;              // NOLINT
using namespace tc::oracles::test_support;  // NOLINT

TEST(ChainTerms, CountsTheTermsThatCancelNotTheirSum) {
  // loss = Σ (x·a - x·b) with a = b: the gradient a - b is 0, its terms |a| + |b|; and x·x
  // contributes two terms |x| each.
  graph::Graph g;
  g.inputs = {variable("%x", Shape{2}, {0.5, -3}, true), constant("%a", Shape{2}, {2, -4}),
              constant("%b", Shape{2}, {2, -4})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%xa", "mul", {"%x", "%a"}), op("%xb", "mul", {"%x", "%b"}),
                         op("%d", "sub", {"%xa", "%xb"}), op("%xx", "mul", {"%x", "%x"}),
                         op("%s", "add", {"%d", "%xx"}), op("%loss", "reduce_sum", {"%s"})}),
            gradient({"%g"}, "t", "%loss", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  const EntryPlan plan = plan_entries(o, run(g), "test", /*per_element=*/true);
  const std::vector<double> terms = chain_terms(o, plan, 1);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_DOUBLE_EQ(terms[0], 2 + 2 + 2 * 0.5);
  EXPECT_DOUBLE_EQ(terms[1], 4 + 4 + 2 * 3);
  // A direction u sums |u_i| times each element's terms.
  const EntryPlan directions = plan_entries(o, run(g), "test", /*per_element=*/false, {2, 5, 9});
  const std::vector<double> along = chain_terms(o, directions, 2);
  ASSERT_EQ(along.size(), 2u);
  for (std::size_t t = 0; t < 2; ++t)
    EXPECT_DOUBLE_EQ(along[t], std::abs(directions.directions[t][0]) * terms[0] +
                                   std::abs(directions.directions[t][1]) * terms[1]);
}

}  // namespace
}  // namespace tc::oracles
