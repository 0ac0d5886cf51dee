// R9: a non-persistent tape allows one gradient() call; a persistent one many, identical.
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R9Persistence, SecondCallOnNonPersistentTapeIsAClearError) {
  Tensor x = sc(2);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  tape.gradient(y, x);
  try {
    tape.gradient(y, x);
    FAIL() << "expected TapeError";
  } catch (const TapeError& e) {
    EXPECT_TRUE(contains(e.what(), "persistent")) << e.what();
  }
}

TEST(R9Persistence, PersistentTapeGivesIdenticalResults) {
  Tensor x = vec({0.3, -1.7});
  GradientTape tape(true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = exp(x) * x;
  }
  const auto a = tape.gradient(y, x), b = tape.gradient(y, x);
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 2; ++i) EXPECT_EQ((*a)[i], (*b)[i]);  // bit-identical
}

}  // namespace tc::test
