#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Exp, ValuesAndGradient) {
  const double e = std::exp(1.0);
  expect_ad({"exp", {t64({0, 1, -2}, {3})}, {}, {1, e, std::exp(-2.0)},
             {{{1, e, std::exp(-2.0)}}}});
}

TEST(Exp, UpstreamGradientScalesTheVjp) {
  OpCase c{"exp", {t64({0, 1}, {2})}, {}, {1, std::exp(1.0)}, {{{3, -2 * std::exp(1.0)}}}};
  c.upstream = std::vector<double>{3, -2};
  expect_ad(c);
}

}  // namespace tc::test
