// R8: a non-scalar target is summed unless output_gradients are given; d source/d source = 1.
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R8Targets, NonScalarTargetIsSummed) {
  Tensor x = vec({1, 2, 3});
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  expect_tensor(tape.gradient(y, x), {2, 4, 6}, Shape{3}, DType::f64);
}

TEST(R8Targets, OutputGradientsWeightTheTarget) {
  Tensor x = vec({1, 2, 3});
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  GradientOptions o;
  o.output_gradients = vec({1, 0, -2});
  const Gradients g = tape.gradient(y, {x}, o);
  expect_tensor(g[0], {2, 0, -12}, Shape{3}, DType::f64);
}

TEST(R8Targets, OutputGradientsOfTheWrongShapeAreAnError) {
  Tensor x = vec({1, 2, 3});
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  GradientOptions o;
  o.output_gradients = vec({1, 0});
  try {
    tape.gradient(y, {x}, o);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_TRUE(contains(e.what(), "[2]") && contains(e.what(), "[3]")) << e.what();
  }
}

TEST(R8Targets, GradientOfAWatchedSourceWithRespectToItselfIsOnes) {
  Tensor x = Tensor::constant({1, 2, 3, 4}, Shape{2, 2});
  GradientTape tape;
  {
    auto rec = tape.recording();
    tape.watch(x);
  }
  expect_tensor(tape.gradient(x, x), {1, 1, 1, 1}, Shape{2, 2}, DType::f64);
}

TEST(R8Targets, UnwatchedSourceWithRespectToItselfIsNone) {
  Tensor x = sc(1);
  GradientTape tape;
  EXPECT_NONE(tape.gradient(x, x));
}

}  // namespace tc::test
