#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Asinh, ValuesAndGradient) {
  // asinh(3/4) = ln(3/4 + 5/4) = ln 2, derivative 1/√(9/16 + 1) = 4/5.
  expect_ad({"asinh", {vec64({0.75, 0, -0.75})}, {}, {std::log(2.0), 0, -std::log(2.0)}, {{{0.8, 1, 0.8}}}});
  // d²/dx² = -x/(x² + 1)^(3/2): -0.75·(4/5)³.
  expect_second_derivative("asinh", {0.75}, std::vector<double>{-0.75 * 0.512});
}

TEST(Asinh, Errors) { expect_unary_errors("asinh"); }

}  // namespace tc::test
