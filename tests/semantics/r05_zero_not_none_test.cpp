// R5: a zero local derivative gives zeros, never None.
#include "engine/ops/select/select.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {
namespace {
std::optional<Tensor> grad_of(const std::function<Tensor(const Tensor&)>& f, Tensor x) {
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = f(x);
  }
  return tape.gradient(y, x);
}
}  // namespace

TEST(R5ZeroNotNone, SignHasZeroGradient) {
  expect_tensor(grad_of([](const Tensor& x) { return sign(x); }, vec({-2, 0, 3})), {0, 0, 0},
                Shape{3}, DType::f64);
}

TEST(R5ZeroNotNone, ReluAbsAtFlatSidesAndKinksAreZero) {
  expect_tensor(grad_of([](const Tensor& x) { return relu(x); }, vec({-2, 0, 3})), {0, 0, 1},
                Shape{3}, DType::f64);
  expect_tensor(grad_of([](const Tensor& x) { return abs(x); }, vec({-2, 0, 3})), {-1, 0, 1},
                Shape{3}, DType::f64);
}

TEST(R5ZeroNotNone, MaximumLoserGetsZero) {
  expect_tensor(grad_of([](const Tensor& x) { return maximum(x, vec({5, 5})); }, vec({1, 7})),
                {0, 1}, Shape{2}, DType::f64);
}

TEST(R5ZeroNotNone, ZeroUpstreamGradientIsStillAValue) {
  expect_tensor(grad_of([](const Tensor& x) { return x * sc(0); }, vec({1, 2})), {0, 0}, Shape{2},
                DType::f64);
}

TEST(R5ZeroNotNone, WhereUnselectedBranchGetsZeros) {
  Tensor a = vec({1, 2}), b = vec({3, 4});
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(a);
    tape.watch(b);
    y = where(Tensor::constant({1, 0}, Shape{2}, DType::boolean), a, b);
  }
  expect_tensor(tape.gradient(y, a), {1, 0}, Shape{2}, DType::f64);
  expect_tensor(tape.gradient(y, b), {0, 1}, Shape{2}, DType::f64);
}

}  // namespace tc::test
