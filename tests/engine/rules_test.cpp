// engine/rules.hpp: an engine runs the rules handed to it, for as long as RuleSet::Use is alive,
// and nothing else changes: the reference rules hold everywhere else, even on the same thread.
#include "engine/rules.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "engine/api.hpp"
#include "engine/ops/op_rows.hpp"

namespace tc {
namespace {

// d/dx sum(x * x) on the reference engine, and under `rules`.
double gradient_of_square(double x0) {
  Variable x(Tensor::constant({x0}, Shape{1}), true, "x");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = reduce_sum(mul(x, x));
  }
  return (*tape.gradient(loss, x))[0];
}

void doubled_mul_vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  op_mul.vjp(a, g);
  g[0] = mul(*g[0], Tensor::scalar(2));
  g[1] = mul(*g[1], Tensor::scalar(2));
}

TEST(RuleSet, TheReferenceRulesAreTheTableAsWritten) {
  const RuleSet rules;
  EXPECT_FALSE(rules.replaces_anything());
  EXPECT_EQ(&rules.row(op_mul), &op_mul);
  EXPECT_EQ(&active_rules().row(op_mul), &op_mul);
  EXPECT_DOUBLE_EQ(gradient_of_square(3), 6);
}

TEST(RuleSet, AReplacedVjpIsUsedOnlyWhileItsRulesAreInUse) {
  RuleSet doubled;
  doubled.replace(op_mul).vjp = &doubled_mul_vjp;
  EXPECT_NE(&doubled.row(op_mul), &op_mul);
  EXPECT_EQ(&doubled.row(op_add), &op_add);  // other rows stay the table's
  {
    const RuleSet::Use use(doubled);
    EXPECT_DOUBLE_EQ(gradient_of_square(3), 12);
  }
  EXPECT_DOUBLE_EQ(gradient_of_square(3), 6);
}

TEST(RuleSet, UsesNestAndRestoreTheOuterRules) {
  RuleSet doubled;
  doubled.replace(op_mul).vjp = &doubled_mul_vjp;
  const RuleSet reference;
  const RuleSet::Use outer(doubled);
  {
    const RuleSet::Use inner(reference);
    EXPECT_DOUBLE_EQ(gradient_of_square(3), 6);
  }
  EXPECT_DOUBLE_EQ(gradient_of_square(3), 12);
}

TEST(RuleSet, ReplacingARowTwiceEditsTheSameCopy) {
  RuleSet rules;
  OpDef& first = rules.replace(op_mul);
  OpDef& second = rules.replace(op_mul);
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(&rules.row(op_mul), &first);
}

TEST(RuleSet, ProvenanceNamesTheTablesRowWhateverComputedIt) {
  RuleSet doubled;
  doubled.replace(op_mul).vjp = &doubled_mul_vjp;
  const RuleSet::Use use(doubled);
  const Tensor y = mul(Tensor::scalar(2), Tensor::scalar(3));
  EXPECT_EQ(y.impl()->op, &op_mul);
}

Tensor keep_last(const Tensor* parts, int n) { return parts[n - 1]; }

TEST(RuleSet, ATapeBehaviourIsReplacedLikeARow) {
  RuleSet assigning;
  assigning.tape.aggregate = &keep_last;  // fan-out assigned instead of summed
  const RuleSet::Use use(assigning);
  EXPECT_DOUBLE_EQ(gradient_of_square(3), 3);
}

TEST(RuleSet, RulesOfAnotherThreadAreNotThisThreads) {
  RuleSet doubled;
  doubled.replace(op_mul).vjp = &doubled_mul_vjp;
  const RuleSet::Use use(doubled);
  double other = 0;
  std::thread t([&] { other = gradient_of_square(3); });
  t.join();
  EXPECT_DOUBLE_EQ(other, 6);
  EXPECT_DOUBLE_EQ(gradient_of_square(3), 12);
}

}  // namespace
}  // namespace tc
