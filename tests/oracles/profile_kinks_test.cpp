// Which one-sided difference stands for an engine's rule at the kinks a line crosses: a side
// rule picks the direction of t that reaches its side, a mean needs both, and whatever no
// one-sided difference expresses has none. At second order: the piece each rule takes (the
// profile's, or what the table's kernels take), no means, no touched kink of another piece.
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

// --- second order ---------------------------------------------------------------------------

TEST(ProfileKinks, TheTablesArmsAreWhatEachRowsKernelTakesAtItsKink) {
  const KinkArms table = KinkArms::of_table();
  // relu'(0) = 0 and leaky_relu'(0) = alpha: the piece below 0; elu'(0) = 1 and selu'(0) =
  // lambda: the piece above; maximum/minimum ties: a's piece (code 0: a won).
  EXPECT_EQ(table.arm(op_relu), -1);
  EXPECT_EQ(table.arm(op_leaky_relu), -1);
  EXPECT_EQ(table.arm(op_elu), 1);
  EXPECT_EQ(table.arm(op_selu), 1);
  EXPECT_EQ(table.arm(op_maximum), 0);
  EXPECT_EQ(table.arm(op_minimum), 0);
  // abs'(0) = 0 is the mean of -1 and 1; softsign is C¹ at 0 (its tangent no side's alone);
  // clip's kinks lie at its bounds, reduce_max's among a group: no one piece here.
  EXPECT_FALSE(table.arm(op_abs));
  EXPECT_FALSE(table.arm(op_softsign));
  EXPECT_FALSE(table.arm(op_clip_by_value));
  EXPECT_FALSE(table.arm(op_reduce_max));
  EXPECT_FALSE(table.arm(op_exp));
}

TEST(ProfileKinks, AProfilesArmsAreItsSideRulesAndFirstOperandTies) {
  eut::SemanticsProfile p = profile();
  const KinkArms stated = KinkArms::stated_by(p);
  EXPECT_EQ(stated.arm(op_relu), -1);
  EXPECT_EQ(stated.arm(op_elu), 1);
  EXPECT_FALSE(stated.arm(op_abs));      // a mean
  EXPECT_FALSE(stated.arm(op_maximum));  // ties split evenly
  EXPECT_FALSE(stated.arm(op_selu));     // not stated
  p.ops[&op_maximum].ties = eut::TieRule::first_operand;
  EXPECT_EQ(KinkArms::stated_by(p).arm(op_maximum), 0);
  EXPECT_FALSE(KinkArms::stated_by(eut::tf_profile()).arm(op_relu));
  // A profile's sides are first-order rules: they choose the side, but do not decide it.
  const std::vector<const OpDef*> relu{&op_relu};
  const SecondOrderKinkRule r = second_order_kink_rule(stated, sides({0}), relu, sides({1}), sides({-1}));
  EXPECT_EQ(r.stencil, KinkStencil::backward);
  EXPECT_FALSE(r.decides);
}

TEST(ProfileKinks, SecondOrderTakesTheSideWhosePieceTheRulesTake) {
  const KinkArms table = KinkArms::of_table();
  const std::vector<const OpDef*> relu{&op_relu}, elu{&op_elu}, max{&op_maximum};
  // relu's input rising with t: its piece below 0 is t < 0; falling: t > 0. elu's above 0.
  SecondOrderKinkRule r = second_order_kink_rule(table, sides({0}), relu, sides({1}), sides({-1}));
  EXPECT_EQ(r.stencil, KinkStencil::backward);
  EXPECT_TRUE(r.decides);
  EXPECT_EQ(second_order_kink_rule(table, sides({0}), relu, sides({-1}), sides({1})).stencil, KinkStencil::forward);
  EXPECT_EQ(second_order_kink_rule(table, sides({0}), elu, sides({1}), sides({-1})).stencil, KinkStencil::forward);
  // A tie: a's piece, where a wins.
  EXPECT_EQ(second_order_kink_rule(table, sides({2}), max, sides({1}), sides({0})).stencil, KinkStencil::backward);
  // Two kinks wanting one direction, and opposite ones.
  const std::vector<const OpDef*> both{&op_relu, &op_elu};
  EXPECT_EQ(second_order_kink_rule(table, sides({0, 0}), both, sides({-1, 1}), sides({1, -1})).stencil,
            KinkStencil::forward);
  EXPECT_EQ(second_order_kink_rule(table, sides({0, 0}), both, sides({1, 1}), sides({-1, -1})).stencil,
            KinkStencil::none);
}

TEST(ProfileKinks, SecondOrderHasNoMeansAndNoTouchedKinkOfAnotherPiece) {
  const KinkArms table = KinkArms::of_table();
  eut::SemanticsProfile p = profile();
  const KinkArms stated = KinkArms::stated_by(p);
  const std::vector<const OpDef*> abs{&op_abs}, relu{&op_relu}, max{&op_maximum}, two{&op_relu, &op_relu};
  // The first-order rule takes the mean here (profile_kink_rule); second order does not.
  EXPECT_EQ(profile_kink_rule(p, sides({0}), abs, sides({1}), sides({-1})).stencil, KinkStencil::mean);
  EXPECT_EQ(second_order_kink_rule(stated, sides({0}), abs, sides({1}), sides({-1})).stencil, KinkStencil::none);
  EXPECT_EQ(second_order_kink_rule(stated, sides({2}), max, sides({0}), sides({1})).stencil, KinkStencil::none);
  EXPECT_EQ(second_order_kink_rule(table, sides({0}), abs, sides({1}), sides({-1})).stencil, KinkStencil::none);
  // relu(x²) at 0: above the kink either way, but the point's piece is the one below it.
  const SecondOrderKinkRule touched = second_order_kink_rule(table, sides({0}), relu, sides({1}), sides({1}));
  EXPECT_EQ(touched.stencil, KinkStencil::none);
  EXPECT_STRNE(touched.why, "");
  // relu(-x²) at 0 touches its own piece: no constraint; the crossed kink beside it decides.
  EXPECT_EQ(second_order_kink_rule(table, sides({0, 0}), two, sides({-1, 1}), sides({-1, -1})).stencil,
            KinkStencil::backward);
  // A cond deciding at the point, a row without a rule, a path of another length.
  const std::vector<const OpDef*> cond{nullptr}, sign{&op_sign};
  EXPECT_EQ(second_order_kink_rule(table, sides({0}), cond, sides({1}), sides({-1})).stencil, KinkStencil::none);
  EXPECT_EQ(second_order_kink_rule(table, sides({0}), sign, sides({1}), sides({-1})).stencil, KinkStencil::none);
  EXPECT_EQ(second_order_kink_rule(table, sides({0}), relu, sides({1, 1}), sides({-1})).stencil, KinkStencil::none);
}

TEST(ProfileKinks, SecondOrderNearAKinkTakesTheBasePointsOwnSideWithoutDeciding) {
  const KinkArms table = KinkArms::of_table();
  // x = 1e-17 > 0, relu's input rising: the base point is on the piece above 0, t > 0 keeps it.
  const std::vector<const OpDef*> relu{&op_relu}, sign{&op_sign};
  const SecondOrderKinkRule near = second_order_kink_rule(table, sides({1}), relu, sides({1}), sides({-1}));
  EXPECT_EQ(near.stencil, KinkStencil::forward);
  EXPECT_FALSE(near.decides);
  // So for any kernel's own classification of the point, stated rule or not, and a cond's branch.
  const std::vector<const OpDef*> cond{nullptr};
  EXPECT_EQ(second_order_kink_rule(table, sides({1}), cond, sides({1}), sides({0})).stencil, KinkStencil::forward);
  EXPECT_EQ(second_order_kink_rule(KinkArms::stated_by(eut::tf_profile()), sides({-1}), sign, sides({1}), sides({-1}))
                .stencil,
            KinkStencil::backward);
}

}  // namespace
}  // namespace tc::oracles
