// R5: a zero local derivative gives zeros, never None.
#include <functional>
#include <utility>

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

// d²f/dx², with the outer tape recording the inner backward pass (R10).
std::optional<Tensor> second_derivative(const std::function<Tensor(const Tensor&)>& f, Tensor x) {
  GradientTape outer;
  std::optional<Tensor> dx;
  Tensor sum_dx;
  {
    auto o = outer.recording();
    outer.watch(x);
    GradientTape inner;
    Tensor y;
    {
      auto i = inner.recording();
      inner.watch(x);
      y = reduce_sum(f(x));
    }
    dx = inner.gradient(y, x);
    EXPECT_TRUE(dx.has_value());
    if (!dx) return std::nullopt;
    sum_dx = reduce_sum(*dx);
  }
  return outer.gradient(sum_dx, x);
}
}  // namespace

// R5 holds at every order: the first derivative of a piecewise op is a mask of x, a function
// of x whose derivative is zero — so the second derivative is zeros, not None (TF's
// ReluGradGrad gives zeros_like(x) too; docs/engine.md says where TF gives None instead).
TEST(R5ZeroNotNone, SecondDerivativesThroughMasksAreZeros) {
  const Tensor x = vec({-2, 0.5, 3});
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> piecewise = {
      {"relu", [](const Tensor& v) { return relu(v); }},
      {"abs", [](const Tensor& v) { return abs(v); }},
      {"leaky_relu", [](const Tensor& v) { return leaky_relu(v); }},
      {"clip_by_value", [](const Tensor& v) { return clip_by_value(v, -1, 1); }},
      {"maximum", [](const Tensor& v) { return maximum(v, vec({0, 0, 0})); }},
      {"minimum", [](const Tensor& v) { return minimum(v, vec({0, 0, 0})); }},
      {"sign", [](const Tensor& v) { return sign(v); }},
      {"reduce_max", [](const Tensor& v) { return reduce_max(v); }},
  };
  for (const auto& [name, f] : piecewise) {
    SCOPED_TRACE(name);
    expect_tensor(second_derivative(f, x), {0, 0, 0}, Shape{3}, DType::f64);
  }
}

// where(c, x, y) is linear in x, and its mask is its bool predicate (R3): the first
// derivative [c] does not depend on x, so the second is None (R6), as for x + y.
TEST(R5ZeroNotNone, TheSecondDerivativeOfWhereIsNoneItIsLinear) {
  const Tensor c = Tensor::constant({1, 0, 1}, Shape{3}, DType::boolean);
  EXPECT_NONE(second_derivative([&](const Tensor& v) { return where(c, v, vec({0, 0, 0})); }, vec({-2, 0.5, 3})));
}

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
