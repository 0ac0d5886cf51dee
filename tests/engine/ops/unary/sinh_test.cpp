#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Sinh, ValuesAndGradient) {
  // sinh(ln 2) = (2 - 1/2)/2 = 0.75, cosh(ln 2) = 1.25.
  const double l2 = std::log(2.0);
  expect_ad({"sinh", {vec64({l2, 0, -l2})}, {}, {0.75, 0, -0.75}, {{{1.25, 1, 1.25}}}});
  expect_second_derivative("sinh", {l2, 0}, std::vector<double>{0.75, 0});
}

TEST(Sinh, Errors) { expect_unary_errors("sinh"); }

}  // namespace tc::test
