#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Cholesky, TwoByTwoAgainstTheClosedForm) {
  // A = [[4,2],[2,3]]: L11 = √a11 = 2, L21 = s/L11 = 1 (s = (a12 + a21)/2), L22 = √(a22 - L21²) = √2.
  // Σ L = L11 + L21 + L22; by the chain rule through these three formulas:
  //   ∂/∂a11 = 1/(2L11) - s/(2L11³) + (L21·s/(2L11³))/L22 = 0.25 - 0.125 + 0.25/(2√2)
  //   ∂/∂s   = 1/L11 - L21/(L11 L22) = 0.5 - 1/(2√2), split evenly between a12 and a21
  //   ∂/∂a22 = 1/(2 L22) = 1/(2√2).
  const double r = 1 / (2 * std::sqrt(2.0));
  expect_ad({"cholesky", {t64({4, 2, 2, 3}, {2, 2})}, {}, {2, 0, 1, std::sqrt(2.0)},
             {{{0.25 - 0.125 + 0.25 * r, (0.5 - r) / 2, (0.5 - r) / 2, r}}}});
}

TEST(Cholesky, ReadsTheSymmetricPartAndTheUpperUpstreamIsIgnored) {
  // [[4,0],[4,3]] has symmetric part [[4,2],[2,3]]: the same L. An upstream on L's (constant
  // zero) upper entry changes nothing.
  OpCase c{"cholesky", {t64({4, 0, 4, 3}, {2, 2})}, {}, {2, 0, 1, std::sqrt(2.0)}, {}};
  const double r = 1 / (2 * std::sqrt(2.0));
  c.expected_grads = {{{0.25 - 0.125 + 0.25 * r, (0.5 - r) / 2, (0.5 - r) / 2, r}}};
  c.upstream = std::vector<double>{1, 100, 1, 1};
  expect_ad(c);
}

TEST(Cholesky, BatchOfDiagonals) {
  // diag(4, 9) -> diag(2, 3): d√d/dd = 1/(2√d) on the diagonal; off it, ∂(Σ L)/∂s = ∂L21/∂s
  // = 1/L11 (L22 does not move to first order, L21 = 0), split between a12 and a21.
  expect_ad({"cholesky", {t64({4, 0, 0, 9, 1, 0, 0, 0.25}, {2, 2, 2})}, {}, {2, 0, 0, 3, 1, 0, 0, 0.5},
             {{{0.25, 0.25, 0.25, 1.0 / 6, 0.5, 0.5, 0.5, 1}}}});
}

TEST(Cholesky, SecondOrderIsRecorded) {
  // 1×1: L = √a, dL/da = 1/(2√a), d²L/da² = -1/(4 a^1.5): at a = 4, 0.25 and -1/32.
  const auto [d1, d2] = second_order(t64({4}, {1, 1}), [](const Tensor& x) { return cholesky(x); });
  expect_values_near(d1, {0.25}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {-1.0 / 32}, DType::f64, "second");
}

TEST(Cholesky, NotPositiveDefiniteRaises) {
  expect_error_naming<Error>([] { cholesky(t64({1, 2, 2, 1}, {2, 2})); }, {"cholesky", "not positive definite"});
}

}  // namespace tc::test
