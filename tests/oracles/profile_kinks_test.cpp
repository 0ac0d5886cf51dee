// Which one-sided difference stands for an engine's rule at the kinks a line crosses: a side
// rule picks the direction of t that reaches its side, a mean needs both, and whatever no
// one-sided difference expresses has none.
#include "oracles/profile_kinks.hpp"

#include <gtest/gtest.h>

#include "engine/ops/op_rows.hpp"

namespace tc::oracles {
namespace {

Branches sides(std::vector<std::int32_t> s) { return Branches{std::move(s)}; }

eut::SemanticsProfile profile() {
  eut::SemanticsProfile p;
  p.ops[&op_relu].kink_side = eut::KinkSide::left;
  p.ops[&op_elu].kink_side = eut::KinkSide::right;
  p.ops[&op_abs].kink_side = eut::KinkSide::mean;
  p.ops[&op_maximum].ties = eut::TieRule::split_evenly;
  return p;
}

TEST(ProfileKinks, ASideRuleTakesTheDirectionThatReachesItsSide) {
  const eut::SemanticsProfile p = profile();
  const std::vector<const OpDef*> relu{&op_relu};
  // relu's input rises with t: its left side is t < 0.
  EXPECT_EQ(profile_kink_rule(p, sides({0}), relu, sides({1}), sides({-1})).stencil, KinkStencil::backward);
  // ... falls with t: its left side is t > 0.
  EXPECT_EQ(profile_kink_rule(p, sides({0}), relu, sides({-1}), sides({1})).stencil, KinkStencil::forward);
  const std::vector<const OpDef*> elu{&op_elu};
  EXPECT_EQ(profile_kink_rule(p, sides({0}), elu, sides({1}), sides({-1})).stencil, KinkStencil::forward);
  // Two kinks wanting the same direction: one one-sided difference; opposite ones: none.
  const std::vector<const OpDef*> both{&op_relu, &op_elu};
  EXPECT_EQ(profile_kink_rule(p, sides({0, 0}), both, sides({-1, 1}), sides({1, -1})).stencil, KinkStencil::forward);
  EXPECT_EQ(profile_kink_rule(p, sides({0, 0}), both, sides({1, 1}), sides({-1, -1})).stencil, KinkStencil::none);
}

TEST(ProfileKinks, OneMeanTakesBothSides) {
  const eut::SemanticsProfile p = profile();
  const std::vector<const OpDef*> max{&op_maximum}, abs{&op_abs};
  EXPECT_EQ(profile_kink_rule(p, sides({2}), max, sides({0}), sides({1})).stencil, KinkStencil::mean);
  EXPECT_EQ(profile_kink_rule(p, sides({0}), abs, sides({1}), sides({-1})).stencil, KinkStencil::mean);
  const std::vector<const OpDef*> two{&op_maximum, &op_abs}, mixed{&op_maximum, &op_relu};
  EXPECT_EQ(profile_kink_rule(p, sides({2, 0}), two, sides({0, 1}), sides({1, -1})).stencil, KinkStencil::none);
  EXPECT_EQ(profile_kink_rule(p, sides({2, 0}), mixed, sides({0, 1}), sides({1, -1})).stencil, KinkStencil::none);
}

TEST(ProfileKinks, WhatNoOneSidedDifferenceExpressesHasNone) {
  const eut::SemanticsProfile p = profile();
  // An op without a stated rule, and control flow.
  const std::vector<const OpDef*> sign{&op_sign}, cond{nullptr};
  EXPECT_EQ(profile_kink_rule(p, sides({0}), sign, sides({1}), sides({-1})).stencil, KinkStencil::none);
  EXPECT_EQ(profile_kink_rule(p, sides({1}), cond, sides({1}), sides({0})).stencil, KinkStencil::none);
  // A kink near the point but not on it: one side keeps the base point's side.
  const std::vector<const OpDef*> relu{&op_relu};
  const KinkRule near = profile_kink_rule(p, sides({1}), relu, sides({1}), sides({-1}));
  EXPECT_EQ(near.stencil, KinkStencil::none);
  EXPECT_STRNE(near.why, "");
  // The path changes length (a while_loop's trips): none.
  EXPECT_EQ(profile_kink_rule(p, sides({0}), relu, sides({1, 1}), sides({-1})).stencil, KinkStencil::none);
  // Not crossed (the same side both ways): nothing to decide.
  EXPECT_EQ(profile_kink_rule(p, sides({0}), relu, sides({1}), sides({1})).stencil, KinkStencil::none);
  // Only the TF profile: no rule at all.
  EXPECT_FALSE(states_kink_rules(eut::tf_profile()));
  EXPECT_TRUE(states_kink_rules(eut::torch_profile()));
}

}  // namespace
}  // namespace tc::oracles
