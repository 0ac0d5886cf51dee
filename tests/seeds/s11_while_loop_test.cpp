// S11: while_loop: the gradient flows through every executed iteration.
#include "engine/ops/dtype/dtype.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S11WhileLoop, GradientThroughEveryIteration) {
  // Newton-like damping: v ← 0.5·v + w, five iterations from v = 0: v = w·(1 + .5 + … + .5⁴).
  Variable w(sc(2), true, "w");
  GradientTape tape;
  Tensor v;
  {
    auto rec = tape.recording();
    auto out = while_loop(
        [](const std::vector<Tensor>& s) { return less(s[0], sc(5, DType::i32)); },
        [&](const std::vector<Tensor>& s) {
          return std::vector<Tensor>{cast(cast(s[0], DType::f64) + sc(1), DType::i32),
                                     s[1] * sc(0.5) + w};
        },
        {sc(0, DType::i32), sc(0)});
    v = out[1];
  }
  const double sum = 1 + 0.5 + 0.25 + 0.125 + 0.0625;
  EXPECT_DOUBLE_EQ(v.item(), 2 * sum);
  expect_tensor(tape.gradient(v, w), {sum}, Shape{}, DType::f64);
}

}  // namespace tc::test
