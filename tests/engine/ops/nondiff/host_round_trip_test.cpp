#include <gtest/gtest.h>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/tape.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(HostRoundTrip, IdentityValuesAndGradientIsNone) {
  expect_ad({"host_round_trip", {t64({1.5, -2, 0}, {3})}, {}, {1.5, -2, 0}, {std::nullopt}});
}

TEST(HostRoundTrip, KeepsAnyDtype) {
  const Tensor k = Tensor::constant({3, -4}, Shape{2}, DType::i32);
  const Tensor y = host_round_trip(k);
  EXPECT_EQ(y.dtype(), DType::i32);
  EXPECT_EQ(y.values(), k.values());
}

// S8: the result is a new constant with no history, so the explanation is "no path" — the
// tape cannot see a cut it has no record of — where stop_gradient's is a cut at its node.
TEST(HostRoundTrip, TheResultHasNoHistorySoTheExplanationIsNoPath) {
  const Tensor x = t64({1, 2}, {2});
  x.named("x");
  GradientTape tape;
  Tensor loss;
  {
    auto r = tape.recording();
    tape.watch(x);
    const Tensor h = mul(x, x);
    const Tensor back = host_round_trip(h);
    loss = mul(back, x);
    loss.named("loss");
  }
  // d/dx [x² (held) · x] = x²: only the direct factor; the round-tripped one is a constant.
  const Gradients g = tape.gradient(loss, std::vector<Source>{x});
  ASSERT_TRUE(g[0].has_value());
  EXPECT_EQ(g[0]->values(), (std::vector<double>{1, 4}));
  GradientTape other;
  Tensor only;
  {
    auto r = other.recording();
    other.watch(x);
    only = host_round_trip(mul(x, x));
  }
  const Gradients none = other.gradient(only, std::vector<Source>{x});
  EXPECT_FALSE(none[0].has_value());
  ASSERT_TRUE(none.why[0].has_value());
  EXPECT_EQ(none.why[0]->reason, NoneReason::no_path) << none.why[0]->sentence();
}

}  // namespace tc::test
