// R10: an outer tape records the inner tape's gradient computation: second derivatives.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R10NestedTapes, SecondDerivativeOfCube) {
  Tensor x = sc(1.5);
  GradientTape outer;
  Tensor dy;
  {
    auto o = outer.recording();
    outer.watch(x);
    GradientTape inner;
    Tensor y;
    {
      auto i = inner.recording();
      inner.watch(x);
      y = x * x * x;
    }
    dy = *inner.gradient(y, x);  // 3x², recorded by the outer tape
  }
  expect_tensor(dy, {3 * 1.5 * 1.5}, Shape{}, DType::f64);
  expect_tensor(outer.gradient(dy, x), {6 * 1.5}, Shape{}, DType::f64);
}

TEST(R10NestedTapes, ThirdOrderThroughThreeTapes) {
  Tensor x = sc(0.7);
  GradientTape t3;
  Tensor d2;
  {
    auto r3 = t3.recording();
    t3.watch(x);
    GradientTape t2;
    Tensor d1;
    {
      auto r2 = t2.recording();
      t2.watch(x);
      GradientTape t1;
      Tensor y;
      {
        auto r1 = t1.recording();
        t1.watch(x);
        y = exp(x) * x;  // y''' = e^x (x + 3)
      }
      d1 = *t1.gradient(y, x);
    }
    d2 = *t2.gradient(d1, x);
  }
  expect_tensor(t3.gradient(d2, x), {std::exp(0.7) * (0.7 + 3)}, Shape{}, DType::f64);
}

TEST(R10NestedTapes, GradientOfAGradientWithNoPathIsNone) {
  // d/dx (x · stop_gradient(x)) = stop_gradient(x) + x·0-path... = stop_gradient(x): the
  // inner gradient does not depend on x through any recorded edge, so the outer one is None.
  Tensor x = sc(2);
  GradientTape outer;
  Tensor dy;
  {
    auto o = outer.recording();
    outer.watch(x);
    GradientTape inner;
    Tensor y;
    {
      auto i = inner.recording();
      inner.watch(x);
      y = x * stop_gradient(x);
    }
    dy = *inner.gradient(y, x);
  }
  expect_tensor(dy, {2}, Shape{}, DType::f64);
  EXPECT_NONE(outer.gradient(dy, x));
}

TEST(R10NestedTapes, InnerTapeDoesNotRecordItsOwnBackwardPass) {
  Tensor x = sc(2);
  GradientTape tape(/*persistent=*/true);
  auto rec = tape.recording();
  tape.watch(x);
  Tensor y = x * x;
  const std::size_t before = tape.recorded_ops();
  tape.gradient(y, x);  // inside its own recording scope
  EXPECT_EQ(tape.recorded_ops(), before);
}

}  // namespace tc::test
