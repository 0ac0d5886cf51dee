#include <gtest/gtest.h>

#include <cmath>

#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
constexpr double kEulerGamma = 0.57721566490153286061;
constexpr double kApery = 1.2020569031595942854;  // ζ(3)
}  // namespace

TEST(Digamma, ValuesAndGradient) {
  // ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2, ψ(3) = 3/2 - γ; ψ'(1) = π²/6, ψ'(1/2) = π²/2, ψ'(3) = π²/6 - 5/4.
  expect_ad({"digamma", {vec64({1, 0.5, 3})}, {},
             {-kEulerGamma, -kEulerGamma - 2 * std::log(2.0), 1.5 - kEulerGamma},
             {{{M_PI * M_PI / 6, M_PI * M_PI / 2, M_PI * M_PI / 6 - 1.25}}}});
}

TEST(Digamma, SecondDerivativeIsPolygammaTwo) {
  // ψ''(1) = -2ζ(3).
  expect_second_derivative("digamma", {1}, std::vector<double>{-2 * kApery});
}

TEST(Digamma, PolesAreNaNAndTheGradientThereInfinite) {
  // TF: digamma(0) and digamma(-1) are NaN; ψ'(0) = +inf.
  const Tensor y = digamma(vec64({0, -1}));
  EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1]));
  EXPECT_EQ(first_derivative("digamma", {0})->values()[0], INFINITY);
}

TEST(Digamma, Errors) { expect_unary_errors("digamma"); }

}  // namespace tc::test
