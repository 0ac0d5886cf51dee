// R3: only f32/f64 carry gradients.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R3Dtypes, WatchingAnIntegerTensorWarnsAndGivesNone) {
  take_warnings();
  Tensor k = vec({1, 2}, DType::i32);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(k);
    y = cast(k, DType::f64) * vec({3, 4});
  }
  const auto warnings = take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0], "i32")) << warnings[0];
  const Gradients g = tape.gradient(y, {k});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::integer_source);
}

TEST(R3Dtypes, IntegerOutputCarriesNoGradientOnward) {
  Tensor x = vec({1.5, 2.5});
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = cast(cast(x, DType::i32), DType::f64) * x;  // one path cut, one direct
  }
  // Only the direct path counts: d/dx (c * x) with c constant = c = trunc(x).
  expect_tensor(tape.gradient(y, x), {1, 2}, Shape{2}, DType::f64);
}

TEST(R3Dtypes, NonFloatingTargetGivesNoneForEverySource) {
  Tensor x = vec({1, 3, 2});
  GradientTape tape;
  Tensor i;
  {
    auto rec = tape.recording();
    tape.watch(x);
    i = argmax(x * x, 0);
  }
  ASSERT_EQ(i.dtype(), DType::i32);
  const Gradients g = tape.gradient(i, {x});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::integer_target);
}

TEST(R3Dtypes, F32SourcesGetF32Gradients) {
  Tensor x = vec({1, 2}, DType::f32);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  expect_tensor(tape.gradient(y, x), {2, 4}, Shape{2}, DType::f32);
}

}  // namespace tc::test
