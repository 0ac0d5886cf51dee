// R7: unconnected_gradients = ZERO turns each None into zeros of the source's shape and dtype.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R7UnconnectedZero, NoneBecomesZerosOfSourceShapeAndDtype) {
  Tensor x = vec({1, 2}, DType::f32);
  Tensor m = Tensor::constant({1, 2, 3, 4, 5, 6}, Shape{2, 3}, DType::f64);
  Tensor k = vec({1, 2, 3}, DType::i32);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    tape.watch(m);
    y = reduce_sum(round(m));  // m's only path is cut; x unused
  }
  take_warnings();
  GradientOptions zero;
  zero.unconnected = Unconnected::zero;
  const Gradients g = tape.gradient(y, {x, m, k}, zero);
  expect_tensor(g[0], {0, 0}, Shape{2}, DType::f32);
  expect_tensor(g[1], {0, 0, 0, 0, 0, 0}, Shape{2, 3}, DType::f64);
  expect_tensor(g[2], {0, 0, 0}, Shape{3}, DType::i32);
  // The explanation of what would have been None is kept.
  EXPECT_EQ(g.why[1]->reason, NoneReason::cut);
}

TEST(R7UnconnectedZero, DefaultIsNone) {
  Tensor x = sc(1);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = round(x);
  }
  EXPECT_NONE(tape.gradient(y, x));
}

}  // namespace tc::test
