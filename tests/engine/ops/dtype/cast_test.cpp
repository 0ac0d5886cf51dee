#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/dtype/dtype.hpp"
#include "engine/tape.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {
OpAttrs to(DType d) {
  OpAttrs a;
  a.dtype = d;
  return a;
}
double f32(double v) { return static_cast<double>(static_cast<float>(v)); }
}  // namespace

TEST(Cast, F64ToF32RoundsAndTheGradientIsTheUpstreamInF64) {
  // f64 -> f32 (and, in expect_ad's f32 pass, f32 -> f32): dy/dx = 1.
  OpCase c{"cast", {t64({1.1, -2.5, 3}, {3})}, to(DType::f32), {f32(1.1), -2.5, 3},
           {{{0.5, 2, -3}}}};
  c.upstream = std::vector<double>{0.5, 2, -3};
  expect_ad(c);
  const Tensor y = cast(t64({1.1}, {1}), DType::f32);
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_EQ(y[0], f32(1.1));
}

TEST(Cast, F32ToF64GradientIsAValueOfTheSourceDtype) {
  const Tensor x = Tensor::constant({0.25, -1.5}, Shape{2}, DType::f32);
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(x);
    y = mul(cast(x, DType::f64), t64({3, 4}, {2}));
  }
  EXPECT_EQ(y.dtype(), DType::f64);
  const auto g = tape.gradient(y, x);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->dtype(), DType::f32);
  EXPECT_EQ(g->values(), (std::vector<double>{3, 4}));
}

TEST(Cast, ToI32TruncatesTowardZeroSaturatesAndHasNoGradient) {
  expect_ad({"cast", {t64({2.75, -2.75, 0.5, -0.5, 3e9, -3e9, NAN}, {7})}, to(DType::i32),
             {2, -2, 0, 0, 2147483647.0, -2147483648.0, 0}, {std::nullopt}});
  EXPECT_EQ(cast(t64({1.5}, {1}), DType::i32).dtype(), DType::i32);
}

TEST(Cast, ToBoolIsNonzeroAndHasNoGradient) {
  expect_ad({"cast", {t64({0, -0.0, 0.125, -3, NAN}, {5})}, to(DType::boolean), {0, 0, 1, 1, 1},
             {std::nullopt}});
  EXPECT_EQ(cast(t64({1}, {1}), DType::boolean).dtype(), DType::boolean);
}

TEST(Cast, IntegerAndBoolSourcesToFloat) {
  expect_ad({"cast", {Tensor::constant({7, -2}, Shape{2}, DType::i32)}, to(DType::f64), {7, -2},
             {std::nullopt}});
  const Tensor y = cast(Tensor::constant({1, 0}, Shape{2}, DType::boolean), DType::f32);
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_EQ(y.values(), (std::vector<double>{1, 0}));
}

TEST(Cast, ThroughI32AndBackTheGradientIsNoneNotZero) {
  const Tensor x = t64({1.75, -0.5}, {2});
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(x);
    y = cast(cast(x, DType::i32), DType::f64);
  }
  EXPECT_EQ(y.values(), (std::vector<double>{1, 0}));
  const Gradients g = tape.gradient(y, std::vector<Source>{x});
  EXPECT_FALSE(g[0].has_value());
  ASSERT_TRUE(g.why[0].has_value());
  EXPECT_EQ(g.why[0]->reason, NoneReason::cut);
  ASSERT_FALSE(g.why[0]->cuts.empty());
  EXPECT_EQ(g.why[0]->cuts[0].rule, CutRule::integer_dtype);
}

TEST(Cast, ACutPathNextToADirectPathLeavesOnlyTheDirectOne) {
  // y = float(int(x)) · x: d/dx = float(int(x)), the cut path contributes nothing.
  const Tensor x = t64({1.75, -2.5}, {2});
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(x);
    y = mul(cast(cast(x, DType::i32), DType::f64), x);
  }
  const auto g = tape.gradient(y, x);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->values(), (std::vector<double>{1, -2}));
}

TEST(Cast, SecondOrderThroughTheVjp) {
  // z = cast(x, f32)²: dz/dx = 2x (f64), d²z/dx² = 2: the VJP is recorded by the outer tape.
  const Tensor x = t64({1.5}, {1});
  GradientTape outer;
  std::optional<Tensor> dx;
  {
    auto ro = outer.recording();
    outer.watch(x);
    GradientTape inner;
    Tensor z;
    {
      auto ri = inner.recording();
      inner.watch(x);
      const Tensor c = cast(x, DType::f32);
      z = mul(c, c);
    }
    dx = inner.gradient(z, x);
  }
  ASSERT_TRUE(dx.has_value());
  EXPECT_EQ(dx->dtype(), DType::f64);
  EXPECT_EQ(dx->item(), 3.0);
  const auto d2 = outer.gradient(*dx, x);
  ASSERT_TRUE(d2.has_value());
  EXPECT_EQ(d2->item(), 2.0);
}

TEST(Cast, DualAndComplexKeepTheDerivativeOnlyForFloatingDestinations) {
  const Tensor x = t64({2.75, -0.5}, {2});
  const std::vector<Dual> f = run_kernel<Dual>("cast", {x}, to(DType::f32));
  EXPECT_EQ(f[0].v, 2.75);
  EXPECT_EQ(f[0].d, 1.0);
  const std::vector<c128> fc = run_kernel<c128>("cast", {x}, to(DType::f64));
  EXPECT_EQ(fc[1], c128(-0.5, 1e-20));
  const std::vector<Dual> i = run_kernel<Dual>("cast", {x}, to(DType::i32));
  EXPECT_EQ(i[0].v, 2.0);
  EXPECT_EQ(i[0].d, 0.0);
  const std::vector<c128> b = run_kernel<c128>("cast", {x}, to(DType::boolean));
  EXPECT_EQ(b[1], c128(1.0, 0.0));
  // The f32 destination's value set: 1.1 is rounded on every scalar type.
  EXPECT_EQ(run_kernel<Dual>("cast", {t64({1.1}, {1})}, to(DType::f32))[0].v, f32(1.1));
}

TEST(Cast, BranchesOnlyForIntegerAndBoolDestinations) {
  const Tensor x = t64({1 - 1e-9, 1 + 1e-9, -1e-9, 0}, {4});
  Branches i, b, f;
  run_kernel<double>("cast", {x}, to(DType::i32), &i);
  run_kernel<double>("cast", {x}, to(DType::boolean), &b);
  run_kernel<double>("cast", {x}, to(DType::f32), &f);
  EXPECT_EQ(i.sides, (std::vector<std::int32_t>{0, 1, 0, 0}));
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, 1, -1, 0}));
  EXPECT_TRUE(f.sides.empty());
}

}  // namespace tc::test
