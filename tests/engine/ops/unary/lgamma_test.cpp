#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
constexpr double kEulerGamma = 0.57721566490153286061;
}

TEST(Lgamma, ValuesAndGradient) {
  // Γ(1) = Γ(2) = 1; ψ(1) = -γ, ψ(2) = 1 - γ; Γ(1/2) = √π, ψ(1/2) = -γ - 2 ln 2.
  expect_ad({"lgamma", {vec64({1, 2, 0.5})}, {}, {0, 0, 0.5 * std::log(M_PI)},
             {{{-kEulerGamma, 1 - kEulerGamma, -kEulerGamma - 2 * std::log(2.0)}}}});
}

TEST(Lgamma, NegativeArgumentsUseTheAbsoluteValue) {
  // Γ(-1/2) = -2√π: lgamma = ln(2√π); ψ(-1/2) = ψ(1/2) + 2.
  expect_ad({"lgamma", {vec64({-0.5})}, {}, {std::log(2 * std::sqrt(M_PI))},
             {{{-kEulerGamma - 2 * std::log(2.0) + 2}}}});
}

TEST(Lgamma, SecondDerivativeIsTrigamma) {
  // ψ'(1) = π²/6, ψ'(1/2) = π²/2.
  expect_second_derivative("lgamma", {1, 0.5}, std::vector<double>{M_PI * M_PI / 6, M_PI * M_PI / 2});
}

TEST(Lgamma, Errors) { expect_unary_errors("lgamma"); }

}  // namespace tc::test
