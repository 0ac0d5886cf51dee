#include <gtest/gtest.h>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/tape.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(StopGradient, IdentityValuesAndGradientIsNone) {
  expect_ad({"stop_gradient", {t64({1.5, -2, 0}, {3})}, {}, {1.5, -2, 0}, {std::nullopt}});
}

TEST(StopGradient, KeepsAnyDtype) {
  const Tensor k = Tensor::constant({3, -4}, Shape{2}, DType::i32);
  const Tensor y = stop_gradient(k);
  EXPECT_EQ(y.dtype(), DType::i32);
  EXPECT_EQ(y.values(), k.values());
  EXPECT_EQ(stop_gradient(Tensor::constant({1}, Shape{1}, DType::f32)).dtype(), DType::f32);
}

TEST(StopGradient, OnlyTheStoppedPathIsCut) {
  // d/dx [x · stop_gradient(x)] = stop_gradient(x) = x: the stopped factor is a constant.
  const Tensor x = t64({2, -3}, {2});
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(x);
    y = mul(x, stop_gradient(x));
  }
  const auto g = tape.gradient(y, x);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->values(), (std::vector<double>{2, -3}));
}

TEST(StopGradient, TheExplanationNamesStopGradient) {
  const Tensor x = t64({1}, {1});
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(x);
    y = mul(stop_gradient(x), x);
    y = stop_gradient(y);
  }
  const Gradients g = tape.gradient(y, std::vector<Source>{x});
  ASSERT_FALSE(g[0].has_value());
  ASSERT_TRUE(g.why[0].has_value());
  EXPECT_EQ(g.why[0]->reason, NoneReason::cut);
  ASSERT_EQ(g.why[0]->cuts.size(), 1u);
  EXPECT_EQ(g.why[0]->cuts[0].rule, CutRule::stop_gradient);
  EXPECT_EQ(g.why[0]->cuts[0].op, "stop_gradient");
}

TEST(StopGradient, ForwardModeSeesNoDerivative) {
  const std::vector<Dual> yd = run_kernel<Dual>("stop_gradient", {t64({1.5, -2}, {2})});
  EXPECT_EQ(yd[0].v, 1.5);
  EXPECT_EQ(yd[1].v, -2);
  EXPECT_EQ(yd[0].d, 0.0);
  EXPECT_EQ(yd[1].d, 0.0);
}

}  // namespace tc::test
