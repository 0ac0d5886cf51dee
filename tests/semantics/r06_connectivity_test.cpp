// R6: None iff no gradient-passing path; otherwise the sum over all paths, broadcast reduced.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R6Connectivity, SumOverAllPaths) {
  Tensor x = sc(3);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x + x + exp(x);  // fan-out: four uses of x
  }
  expect_tensor(tape.gradient(y, x), {2 * 3 + 1 + std::exp(3.0)}, Shape{}, DType::f64);
}

TEST(R6Connectivity, OneCutPathAndOneLivePathGiveTheLivePath) {
  Tensor x = sc(2.4);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = round(x) * sc(10) + x * sc(3);
  }
  expect_tensor(tape.gradient(y, x), {3}, Shape{}, DType::f64);
}

TEST(R6Connectivity, BroadcastDimensionsAreReducedToTheSourceShape) {
  Tensor row = Tensor::constant({1, 2, 3}, Shape{1, 3});
  Tensor col = Tensor::constant({10, 20}, Shape{2, 1});
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(row);
    tape.watch(col);
    y = row * col;  // [2,3]
  }
  expect_tensor(tape.gradient(y, row), {30, 30, 30}, Shape{1, 3}, DType::f64);
  expect_tensor(tape.gradient(y, col), {6, 6}, Shape{2, 1}, DType::f64);
}

TEST(R6Connectivity, UnrelatedSourceIsNoneWithNoPath) {
  Tensor x = sc(1), z = sc(2);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    tape.watch(z);
    y = x * x;
  }
  const Gradients g = tape.gradient(y, {x, z});
  EXPECT_TRUE(g[0].has_value());
  EXPECT_NONE(g[1]);
  EXPECT_EQ(g.why[1]->reason, NoneReason::no_path);
}

}  // namespace tc::test
