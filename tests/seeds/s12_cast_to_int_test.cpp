// S12: cast to int and integer comparisons → None.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S12CastToInt, CastToIntGivesNoneWithIntegerDtypeRule) {
  Variable w(vec({1.7, -2.2}), true, "w");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = reduce_sum(cast(cast(w * sc(2), DType::i32), DType::f64));
  }
  const Gradients g = tape.gradient(loss, {w});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->cuts.at(0).rule, CutRule::integer_dtype);
}

TEST(S12CastToInt, IntegerComparisonGivesNone) {
  Variable w(vec({1.7, -2.2}), true, "w");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    Tensor k = cast(w, DType::i32);
    loss = reduce_sum(cast(greater(k, Tensor::constant({0, 0}, Shape{2}, DType::i32)), DType::f64));
  }
  EXPECT_NONE(tape.gradient(loss, w));
}

}  // namespace tc::test
