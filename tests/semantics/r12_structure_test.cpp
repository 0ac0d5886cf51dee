// R12: a list of sources gives a list of results, one slot per source, None where R6 says.
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R12Structure, OneSlotPerSourceInOrder) {
  Tensor a = sc(2), b = sc(3), c = sc(4);
  Variable v(sc(5), true, "v");
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(a);
    tape.watch(c);
    y = a * v + round(c);
  }
  const Gradients g = tape.gradient(y, {c, v, b, a, a});
  ASSERT_EQ(g.size(), 5u);
  EXPECT_NONE(g[0]);
  expect_tensor(g[1], {2}, Shape{}, DType::f64);
  EXPECT_NONE(g[2]);
  expect_tensor(g[3], {5}, Shape{}, DType::f64);
  expect_tensor(g[4], {5}, Shape{}, DType::f64);
  EXPECT_TRUE(g.why[0] && g.why[2]);
  EXPECT_FALSE(g.why[1] || g.why[3]);
}

}  // namespace tc::test
