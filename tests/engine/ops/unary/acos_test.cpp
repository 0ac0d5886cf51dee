#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(Acos, ValuesAndGradient) {
  // acos(1/2) = π/3 with derivative -2/√3; acos(0) = π/2 with derivative -1; at -0.6: -1/0.8.
  expect_ad({"acos", {vec64({0.5, 0, -0.6})}, {}, {M_PI / 3, M_PI / 2, std::acos(-0.6)},
             {{{-2 / std::sqrt(3.0), -1, -1 / 0.8}}}});
  expect_second_derivative("acos", {0.5}, std::vector<double>{-0.5 / std::pow(0.75, 1.5)});
}

TEST(Acos, Errors) { expect_unary_errors("acos"); }

}  // namespace tc::test
