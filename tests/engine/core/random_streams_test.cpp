// engine/core/random_streams.hpp: seeded streams that give the same numbers everywhere.
#include "engine/core/random_streams.hpp"

#include <gtest/gtest.h>

namespace tc {
namespace {

TEST(RandomStreams, SplitmixAndFnvMatchTheirReferenceValues) {
  // splitmix64's first output from state 0 (Vigna's reference implementation).
  EXPECT_EQ(mix_seed(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ULL);  // the offset basis
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_NE(fnv1a("%x"), fnv1a("%y"));
}

TEST(RandomStreams, NextUnitAdvancesTheStreamWithinTheUnitInterval) {
  std::uint64_t a = 42, b = 42;
  double sum = 0;
  for (int i = 0; i < 1000; ++i) {
    const double x = next_unit(a);
    EXPECT_EQ(x, next_unit(b));  // the same seed, the same stream
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
    sum += x;
  }
  EXPECT_NEAR(sum / 1000, 0.5, 0.05);
  EXPECT_NE(a, 42u);
}

}  // namespace
}  // namespace tc
