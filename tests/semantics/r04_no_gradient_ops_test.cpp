// R4: ops whose gradient is None — the edge is cut, the result is None, not zeros.
#include "engine/explain.hpp"
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/select/select.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {
namespace {

// d/dx sum(f(x)) with x watched; f must route every path through the op under test.
std::optional<Tensor> grad_through(const std::function<Tensor(const Tensor&)>& f,
                                   Tensor x = vec({0.4, 1.6, -2.5})) {
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = f(x);
  }
  return tape.gradient(y, x);
}

}  // namespace

TEST(R4NoGradientOps, TheOpTableDeclaresThemNone) {
  for (const char* name : {"floor", "ceil", "round", "argmax", "argmin", "less", "less_equal",
                           "greater", "greater_equal", "equal", "not_equal", "logical_and",
                           "logical_not", "stop_gradient"})
    for (int i = 0; i < get_op(name).arity; ++i)
      EXPECT_EQ(get_op(name).input(i).grad_class(), GradClass::none) << name << " input " << i;
  EXPECT_EQ(get_op("where").input(0).grad_class(), GradClass::none);
  EXPECT_EQ(get_op("gather").input(1).grad_class(), GradClass::integer);
}

// The reason for each cut is a table fact: explanations (R13) name it from there.
TEST(R4NoGradientOps, TheOpTableSaysWhyEachInputIsCut) {
  EXPECT_EQ(get_op("stop_gradient").input(0).grad, InputGrad::stop_gradient);
  EXPECT_EQ(get_op("where").input(0).grad, InputGrad::predicate);
  EXPECT_EQ(get_op("gather").input(1).grad, InputGrad::integer_index);
  EXPECT_EQ(get_op("scatter_add").input(1).grad, InputGrad::integer_index);
  for (const char* name : {"floor", "argmax", "less", "logical_not"})
    EXPECT_EQ(get_op(name).input(0).grad, InputGrad::non_differentiable) << name;
  EXPECT_EQ(cut_rule_of(InputGrad::stop_gradient), CutRule::stop_gradient);
  EXPECT_EQ(cut_rule_of(InputGrad::non_differentiable), CutRule::non_differentiable);
  EXPECT_EQ(cut_rule_of(InputGrad::predicate), CutRule::non_differentiable);
  EXPECT_EQ(cut_rule_of(InputGrad::integer_index), CutRule::integer_dtype);
  EXPECT_EQ(cut_rule_of(InputGrad::differentiable), std::nullopt);
}

TEST(R4NoGradientOps, RoundingOpsGiveNone) {
  EXPECT_NONE(grad_through([](const Tensor& x) { return floor(x); }));
  EXPECT_NONE(grad_through([](const Tensor& x) { return ceil(x); }));
  EXPECT_NONE(grad_through([](const Tensor& x) { return round(x); }));
}

TEST(R4NoGradientOps, ArgmaxArgminGiveNone) {
  EXPECT_NONE(grad_through([](const Tensor& x) { return cast(argmax(x, 0), DType::f64); }));
  EXPECT_NONE(grad_through([](const Tensor& x) { return cast(argmin(x, 0), DType::f64); }));
}

TEST(R4NoGradientOps, ComparisonsAndLogicalOpsGiveNone) {
  const Tensor zero = vec({0, 0, 0});
  EXPECT_NONE(grad_through([&](const Tensor& x) { return cast(less(x, zero), DType::f64); }));
  EXPECT_NONE(grad_through([&](const Tensor& x) { return cast(greater_equal(x, zero), DType::f64); }));
  EXPECT_NONE(grad_through([&](const Tensor& x) { return cast(equal(x, zero), DType::f64); }));
  EXPECT_NONE(grad_through([&](const Tensor& x) {
    return cast(logical_not(logical_and(less(x, zero), greater(x, zero))), DType::f64);
  }));
}

TEST(R4NoGradientOps, WhereConditionGivesNoneButBranchesGetValues) {
  Tensor x = vec({0.4, -1.6});
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    // x only feeds the condition: None.
    y = where(greater(x, vec({0, 0})), vec({1, 1}), vec({2, 2}));
  }
  EXPECT_NONE(tape.gradient(y, x));
}

TEST(R4NoGradientOps, CastToIntegerGivesNone) {
  EXPECT_NONE(grad_through([](const Tensor& x) { return cast(cast(x, DType::i32), DType::f64); }));
  EXPECT_NONE(grad_through([](const Tensor& x) { return cast(cast(x, DType::boolean), DType::f64); }));
}

TEST(R4NoGradientOps, CastBetweenFloatsKeepsTheGradient) {
  const auto g = grad_through([](const Tensor& x) { return cast(x, DType::f32); });
  expect_tensor(g, {1, 1, 1}, Shape{3}, DType::f64);
}

TEST(R4NoGradientOps, StopGradientGivesNone) {
  EXPECT_NONE(grad_through([](const Tensor& x) { return stop_gradient(x) * sc(2); }));
}

TEST(R4NoGradientOps, GatherIndicesGiveNoneParamsGetValues) {
  Tensor params = vec({10, 20, 30});
  Tensor idx_f = vec({2, 0, 2});
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(params);
    tape.watch(idx_f);
    y = gather(params, cast(idx_f, DType::i32), 0);
  }
  // Duplicate indices accumulate.
  expect_tensor(tape.gradient(y, params), {1, 0, 2}, Shape{3}, DType::f64);
  EXPECT_NONE(tape.gradient(y, idx_f));
}

}  // namespace tc::test
