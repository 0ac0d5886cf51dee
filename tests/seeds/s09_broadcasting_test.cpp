// S9: gradients of broadcast operands are reduced to the source shape; incompatible shapes
// raise a clear error at the op.
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S09Broadcasting, BiasGradientIsReducedToBiasShape) {
  Variable bias(Tensor::constant({0.1, 0.2, 0.3}, Shape{3}), true, "bias");
  Tensor x = Tensor::constant({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Shape{4, 3});
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = reduce_sum(x + bias);
  }
  expect_tensor(tape.gradient(loss, bias), {4, 4, 4}, Shape{3}, DType::f64);
}

TEST(S09Broadcasting, IncompatibleShapeRaisesWithBothShapes) {
  Variable bias(Tensor::zeros(Shape{4}), true, "bias");
  GradientTape tape;
  auto rec = tape.recording();
  try {
    Tensor y = Tensor::zeros(Shape{4, 3}) + bias;
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_EQ(std::string(e.what()), "add: incompatible shapes [4,3] and [4] for broadcasting");
  }
}

}  // namespace tc::test
