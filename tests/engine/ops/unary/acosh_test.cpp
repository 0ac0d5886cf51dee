#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Acosh, ValuesAndGradient) {
  // acosh(5/4) = ln(5/4 + 3/4) = ln 2, derivative 1/√(25/16 - 1) = 4/3; acosh(1) = 0.
  expect_ad({"acosh", {vec64({1.25, 2})}, {}, {std::log(2.0), std::acosh(2.0)}, {{{4.0 / 3, 1 / std::sqrt(3.0)}}}});
  expect_second_derivative("acosh", {1.25}, std::vector<double>{-1.25 * std::pow(4.0 / 3, 3)});
}

TEST(Acosh, BelowOneIsNaN) { EXPECT_TRUE(std::isnan(acosh(vec64({0.5}))[0])); }

TEST(Acosh, Errors) { expect_unary_errors("acosh"); }

}  // namespace tc::test
