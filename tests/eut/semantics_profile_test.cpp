// eut/semantics_profile.hpp: TF's profile states no difference; torch's states each documented
// one as a typed fact of the op's row (docs/libtorch.md, semantics table).
#include "eut/semantics_profile.hpp"

#include <gtest/gtest.h>

#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/engine_under_test.hpp"

namespace tc::eut {
namespace {

TEST(SemanticsProfile, TfsIsTheOpTablesOwnRules) {
  const SemanticsProfile& tf = tf_profile();
  EXPECT_EQ(tf.recording, Recording::per_tape);
  EXPECT_EQ(tf.variables, VariableWatch::on_read);
  EXPECT_EQ(tf.edges, EdgeBinding::by_value);
  EXPECT_EQ(tf.second_gradient, SecondGradient::raises);
  EXPECT_EQ(tf.rounding, Rounding::table_kernels);
  EXPECT_TRUE(tf.ops.empty());
  // passes() is the row's own class for every input of every op.
  for (const OpDef* row : op_table())
    for (int i = 0; i < (row->arity < 0 ? 1 : row->arity); ++i)
      EXPECT_EQ(tf.passes(*row, i), row->input(i).differentiable()) << row->name << " input " << i;
}

TEST(SemanticsProfile, TheReferenceEngineAndAnEngineThatSaysNothingAreJudgedByTfs) {
  EXPECT_EQ(&make_reference_engine()->semantics(), &tf_profile());
}

TEST(SemanticsProfile, TorchsRoundingOpsPassAZeroGradientNotNone) {
  const SemanticsProfile& torch = torch_profile();
  for (const OpDef* row : {&op_floor, &op_ceil, &op_round, &op_floor_div}) {
    EXPECT_TRUE(torch.op(*row).non_differentiable_gives_zeros) << row->name;
    EXPECT_TRUE(torch.passes(*row, 0)) << row->name;
  }
  // Comparisons stay cut: torch's outputs are bool, no grad_fn.
  EXPECT_FALSE(torch.passes(op_less, 0));
  EXPECT_FALSE(torch.passes(op_stop_gradient, 0));
}

TEST(SemanticsProfile, TorchsScopeFacts) {
  const SemanticsProfile& torch = torch_profile();
  EXPECT_EQ(torch.recording, Recording::one_graph);
  EXPECT_EQ(torch.variables, VariableWatch::from_start);
  EXPECT_EQ(torch.edges, EdgeBinding::at_creation);
  EXPECT_EQ(torch.second_gradient, SecondGradient::raises_if_freed);
  EXPECT_EQ(torch.rounding, Rounding::own_kernels);
}

TEST(SemanticsProfile, TorchsKinkTieAndMaskFacts) {
  const SemanticsProfile& torch = torch_profile();
  EXPECT_EQ(torch.op(op_maximum).ties, TieRule::split_evenly);
  EXPECT_EQ(torch.op(op_minimum).ties, TieRule::split_evenly);
  EXPECT_EQ(torch.op(op_elu).kink_side, KinkSide::left);
  EXPECT_EQ(torch.op(op_selu).kink_side, KinkSide::left);
  // Kinks where torch takes the row's side are stated too: the oracles judge only stated sides.
  EXPECT_EQ(torch.op(op_relu).kink_side, KinkSide::left);
  EXPECT_EQ(torch.op(op_leaky_relu).kink_side, KinkSide::left);
  EXPECT_EQ(torch.op(op_abs).kink_side, KinkSide::mean);
  EXPECT_FALSE(tf_profile().op(op_elu).kink_side.has_value());
  EXPECT_EQ(torch.op(op_softplus).linear_above, 20.0);
  for (const OpDef* row : {&op_maximum, &op_minimum, &op_clip_by_value, &op_reduce_max, &op_reduce_min, &op_sign})
    EXPECT_TRUE(torch.op(*row).masks_are_constants) << row->name;
  // relu, leaky_relu and abs: torch's threshold_backward has a backward of its own (row 15).
  for (const OpDef* row : {&op_relu, &op_leaky_relu, &op_abs}) EXPECT_FALSE(torch.op(*row).masks_are_constants);
  EXPECT_TRUE(torch.op(op_cast).same_dtype_returns_input);
  // The one question the models ask of it: a cast to its operand's own dtype, under torch.
  EXPECT_TRUE(torch.returns_operand(op_cast, 1, DType::f64, DType::f64));
  EXPECT_FALSE(torch.returns_operand(op_cast, 1, DType::f64, DType::f32));
  EXPECT_FALSE(tf_profile().returns_operand(op_cast, 1, DType::f64, DType::f64));
  EXPECT_FALSE(torch.returns_operand(op_sin, 1, DType::f64, DType::f64));
  // An op the profile says nothing about has its row's rules.
  EXPECT_FALSE(torch.op(op_sin).ties.has_value());
  EXPECT_FALSE(torch.op(op_sin).non_differentiable_gives_zeros);
}

}  // namespace
}  // namespace tc::eut
