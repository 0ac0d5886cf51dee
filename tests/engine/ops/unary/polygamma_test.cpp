#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {
namespace {
constexpr double kApery = 1.2020569031595942854;  // ζ(3)
OpAttrs order(std::int64_t n) {
  OpAttrs a;
  a.order = n;
  return a;
}
}  // namespace

TEST(Polygamma, OrderOne) {
  // ψ'(1) = π²/6, ψ''(1) = -2ζ(3); ψ'(2) = π²/6 - 1, ψ''(2) = -2ζ(3) + 2.
  expect_ad({"polygamma", {vec64({1, 2})}, order(1), {M_PI * M_PI / 6, M_PI * M_PI / 6 - 1},
             {{{-2 * kApery, -2 * kApery + 2}}}});
}

TEST(Polygamma, OrderTwoAndItsDerivative) {
  // ψ''(1) = -2ζ(3), ψ'''(1) = π⁴/15.
  expect_ad({"polygamma", {vec64({1})}, order(2), {-2 * kApery}, {{{std::pow(M_PI, 4) / 15}}}});
}

TEST(Polygamma, OrderZeroIsDigamma) {
  EXPECT_NEAR(polygamma(vec64({1}), 0)[0], -0.57721566490153286, 1e-15);
}

TEST(Polygamma, SecondDerivativeGoesOneOrderUpAgain) {
  // d²/dx² ψ'(x) = ψ'''(x): π⁴/15 at 1.
  expect_second_derivative("polygamma", {1}, std::vector<double>{std::pow(M_PI, 4) / 15}, order(1));
}

TEST(Polygamma, OrderOutOfRangeRaises) {
  EXPECT_THROW(polygamma(vec64({1}), -1), ShapeError);
  EXPECT_THROW(polygamma(vec64({1}), 21), ShapeError);
}

TEST(Polygamma, Errors) { expect_unary_errors("polygamma"); }

}  // namespace tc::test
