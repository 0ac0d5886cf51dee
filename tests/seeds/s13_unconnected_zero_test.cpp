// S13: unconnected_gradients = ZERO gives zeros of the source's shape and dtype.
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S13UnconnectedZero, ZerosInsteadOfNone) {
  Variable used(vec({1, 2}), true, "used");
  Variable unused(Tensor::ones(Shape{2, 2}, DType::f32), true, "unused");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = reduce_sum(used * used);
  }
  GradientOptions zero;
  zero.unconnected = Unconnected::zero;
  const Gradients g = tape.gradient(loss, {used, unused}, zero);
  expect_tensor(g[0], {2, 4}, Shape{2}, DType::f64);
  expect_tensor(g[1], {0, 0, 0, 0}, Shape{2, 2}, DType::f32);
}

}  // namespace tc::test
