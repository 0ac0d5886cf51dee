#include <gtest/gtest.h>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Neg, ValuesAndGradient) {
  expect_ad({"neg", {t64({1, -2, 0, 3.5}, {2, 2})}, {}, {-1, 2, 0, -3.5}, {{{-1, -1, -1, -1}}}});
}

TEST(Neg, UpstreamGradientIsNegated) {
  OpCase c{"neg", {vec64({1, 2})}, {}, {-1, -2}, {{{-3, 2}}}};
  c.upstream = std::vector<double>{3, -2};
  expect_ad(c);
}

TEST(Neg, SecondDerivativeIsNone) {
  // The VJP is neg(upstream) and the upstream ones are a constant: nothing depends on x.
  expect_second_derivative("neg", {1, -2}, std::nullopt);
}

TEST(Neg, Errors) { expect_unary_errors("neg"); }

}  // namespace tc::test
