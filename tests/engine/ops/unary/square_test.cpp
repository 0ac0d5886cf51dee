#include <gtest/gtest.h>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Square, ValuesAndGradient) {
  // The gradient at 0 is a zero value, not None.
  expect_ad({"square", {t64({-3, 0, 1.5, 2}, {2, 2})}, {}, {9, 0, 2.25, 4}, {{{-6, 0, 3, 4}}}});
}

TEST(Square, UpstreamGradient) {
  OpCase c{"square", {vec64({2, -1})}, {}, {4, 1}, {{{0.5 * 4, 3 * -2}}}};
  c.upstream = std::vector<double>{0.5, 3};
  expect_ad(c);
}

TEST(Square, SecondDerivative) {
  expect_second_derivative("square", {-3, 0, 2}, std::vector<double>{2, 2, 2});
}

TEST(Square, Errors) { expect_unary_errors("square"); }

}  // namespace tc::test
