// R15: shape errors are raised at the op, with both shapes, never deferred to gradient().
#include "engine/ops/linalg/linalg.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {
namespace {
void expect_shape_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    for (const auto& p : parts) EXPECT_TRUE(contains(e.what(), p)) << e.what() << " lacks " << p;
  }
}
}  // namespace

TEST(R15ShapeErrors, IncompatibleBroadcastNamesBothShapes) {
  expect_shape_error([] { add(Tensor::zeros(Shape{2, 3}), Tensor::zeros(Shape{4})); },
                     {"add", "[2,3]", "[4]"});
}

TEST(R15ShapeErrors, MatmulInnerDimensionsNameBothShapes) {
  expect_shape_error([] { matmul(Tensor::zeros(Shape{2, 3}), Tensor::zeros(Shape{4, 5})); },
                     {"matmul", "[2,3]", "[4,5]"});
}

TEST(R15ShapeErrors, BadAxisIsReportedAtTheOp) {
  expect_shape_error([] { reduce_sum(Tensor::zeros(Shape{2, 3}), {2}); }, {"reduce_sum", "axis 2"});
}

TEST(R15ShapeErrors, RaisedWhileRecordingNotAtGradientTime) {
  Tensor x = Tensor::zeros(Shape{3});
  GradientTape tape;
  auto rec = tape.recording();
  tape.watch(x);
  EXPECT_THROW(x * Tensor::zeros(Shape{2}), ShapeError);
  EXPECT_EQ(tape.recorded_ops(), 0u);
}

TEST(R15ShapeErrors, ElementCapIsALimitError) {
  EXPECT_THROW(Tensor::zeros(Shape{1 << 20, 1 << 20}), LimitError);
}

}  // namespace tc::test
