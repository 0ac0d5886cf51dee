#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Cosh, ValuesAndGradient) {
  // cosh(ln 2) = 1.25, sinh(ln 2) = 0.75; cosh is even, its derivative odd.
  const double l2 = std::log(2.0);
  expect_ad({"cosh", {vec64({l2, 0, -l2})}, {}, {1.25, 1, 1.25}, {{{0.75, 0, -0.75}}}});
  expect_second_derivative("cosh", {l2, 0}, std::vector<double>{1.25, 1});
}

TEST(Cosh, Errors) { expect_unary_errors("cosh"); }

}  // namespace tc::test
