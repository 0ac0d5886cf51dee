// R14: apply_gradients with all-None gradients fails naming each variable and its reason;
// some-None warns and applies the rest.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R14Optimizer, AllNoneIsAnErrorNamingEveryVariableAndReason) {
  Variable w(sc(1), true, "w"), b(sc(2), false, "b");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = round(w * sc(3)) + b;
  }
  const Gradients g = tape.gradient(loss, {w, b});
  try {
    SGD(0.1).apply_gradients(g, {w, b});
    FAIL() << "expected NoGradientsError";
  } catch (const NoGradientsError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(contains(m, "No gradients provided for any variable")) << m;
    EXPECT_TRUE(contains(m, "'w'") && contains(m, "round has no gradient")) << m;
    EXPECT_TRUE(contains(m, "'b'") && contains(m, "trainable=false")) << m;
  }
  EXPECT_EQ(w.value().item(), 1);  // nothing applied
}

TEST(R14Optimizer, SomeNoneWarnsAndAppliesTheRest) {
  Variable w(sc(1), true, "w"), u(sc(5), true, "unused");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    loss = w * w;
  }
  const Gradients g = tape.gradient(loss, {w, u});
  take_warnings();
  SGD(0.1).apply_gradients(g, {w, u});
  const auto warnings = take_warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0], "'unused'")) << warnings[0];
  EXPECT_DOUBLE_EQ(w.value().item(), 1 - 0.1 * 2);
  EXPECT_EQ(u.value().item(), 5);
}

}  // namespace tc::test
