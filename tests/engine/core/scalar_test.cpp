#include "engine/core/scalar.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tc {
namespace {

TEST(Quotient, ComplexStepOfXOverXIsExactlyZero) {
  // std::complex's Smith division leaves Im((x+ih)/(x+ih)) = h - x·(h/x) ≠ 0 for most x;
  // the first-order quotient gives exactly 0 for every x.
  int smith_nonzero = 0;
  for (double x = -2.4; x < 2.4; x += 0.0137) {
    const c128 z(x, 1e-20 * std::max(std::abs(x), 1.0));
    EXPECT_EQ(quotient(z, z), c128(1.0, 0.0)) << "x = " << x;
    smith_nonzero += (z / z).imag() != 0;
  }
  EXPECT_GT(smith_nonzero, 0);  // the failure the first-order form removes exists
}

TEST(Quotient, ComplexStepOfAQuotientIsItsDerivative) {
  // d/dt (a + t a')/(b + t b') at t = 0 is (a' b - a b') / b².
  const double a = 1.7, da = -0.3, b = -0.6, db = 2.2, h = 1e-20;
  const c128 q = quotient(c128(a, h * da), c128(b, h * db));
  EXPECT_EQ(q.real(), a / b);
  EXPECT_NEAR(q.imag() / h, (da * b - a * db) / (b * b), 1e-15);
}

TEST(Quotient, OutsideTheComplexStepRegimeIsOrdinaryComplexDivision) {
  const c128 a(1, 2), b(3, -4);
  EXPECT_EQ(quotient(a, b), a / b);
  EXPECT_EQ(quotient(a, c128(1e-200, 0)), a / c128(1e-200, 0));  // (Re b)² not normal
  EXPECT_EQ(quotient(2.0, 8.0), 0.25);
}

}  // namespace
}  // namespace tc

namespace tc {
namespace {

// TermsDual: the terms behind a derivative; a deviation from a statistic reaches further.
TEST(TermsDual, ATermIsTheMagnitudeOfItsFactors) {
  const TermsDual x(2.0, 1.0), y(-3.0, 1.0);
  EXPECT_EQ((x * y).d, 3.0 + 2.0);  // |ẋ||y| + |x||ẏ|
  EXPECT_EQ((x - y).d, 2.0);
  EXPECT_EQ((x / y).d, 1.0 / 3.0 + 2.0 / 9.0);
  EXPECT_EQ((x * y).vt, 0.0);  // no rounding carried beyond the value
}

TEST(TermsDual, AProductOfADeviationTakesItAtTheRoundingOfItsStatistic) {
  TermsDual dev(5e-5, 1.0);
  const TermsDual w(2.0, 0.0);
  EXPECT_EQ((dev * w).d, 2.0);  // the tangent's term: unchanged
  dev.vt = 1.0;                 // x − μ with |μ| = 1: off by ~u·1
  const TermsDual s(1.0, 1.0);
  EXPECT_EQ((s * dev).d, reach(dev) + 1.0);
  EXPECT_DOUBLE_EQ(reach(dev), 1.00005);
  EXPECT_EQ((s * dev).vt, 0.0);  // carried no further
}

}  // namespace
}  // namespace tc
