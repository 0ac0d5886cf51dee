// The tolerance model: unit roundoffs, how each term grows, NaN never within tolerance.
#include "oracles/tolerance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tc::oracles {
namespace {

TEST(Tolerance, UnitRoundoffPerDtype) {
  EXPECT_EQ(unit_roundoff(DType::f64), std::ldexp(1.0, -53));
  EXPECT_EQ(unit_roundoff(DType::f32), std::ldexp(1.0, -24));
  EXPECT_EQ(unit_roundoff(DType::i32), 0.0);
  EXPECT_EQ(unit_roundoff(DType::boolean), 0.0);
}

TEST(Tolerance, EngineTermGrowsWithDtypeDepthFactorAndTerms) {
  ToleranceContext c;
  const double base = tolerance(c, 0, 1.0).engine;
  EXPECT_DOUBLE_EQ(base, kEngineSafety * unit_roundoff(DType::f64) * (1 + kDepthOffset));
  ToleranceContext f32 = c;
  f32.engine_unit = unit_roundoff(DType::f32);
  EXPECT_DOUBLE_EQ(tolerance(f32, 0, 1.0).engine / base, std::ldexp(1.0, 29));
  ToleranceContext deep = c;
  deep.depth = 96;
  EXPECT_DOUBLE_EQ(tolerance(deep, 0, 1.0).engine / base, 100.0 / 5.0);
  ToleranceContext ill = c;
  ill.op_factor = 10;
  EXPECT_DOUBLE_EQ(tolerance(ill, 0, 1.0).engine / base, 10.0);
  EXPECT_DOUBLE_EQ(tolerance(c, 0, 1e3).engine / base, 1e3);
  EXPECT_DOUBLE_EQ(tolerance(c, 0, -1e3).engine / base, 1e3);
}

TEST(Tolerance, OracleTermScalesTheOraclesOwnEstimate) {
  ToleranceContext c;
  EXPECT_DOUBLE_EQ(tolerance(c, 1e-9, 0).oracle, kOracleSafety * 1e-9);
  c.op_factor = 10;
  EXPECT_DOUBLE_EQ(tolerance(c, 1e-9, 0).oracle, kOracleSafety * 1e-8);
  EXPECT_DOUBLE_EQ(tolerance(c, 1e-9, 2).total(), tolerance(c, 1e-9, 2).oracle + tolerance(c, 1e-9, 2).engine);
}

TEST(Tolerance, WithinIsInclusiveAndRejectsNonFinite) {
  Tolerance t{0.5, 0.5};
  EXPECT_TRUE(within(1.0, 2.0, t));
  EXPECT_TRUE(within(2.0, 1.0, t));
  EXPECT_FALSE(within(2.0001, 1.0, t));
  EXPECT_TRUE(within(0.0, 0.0, Tolerance{}));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(within(nan, 1.0, t));
  EXPECT_FALSE(within(1.0, nan, t));
  EXPECT_FALSE(within(inf, inf, t));
}

TEST(Tolerance, RelativeError) {
  EXPECT_DOUBLE_EQ(relative_error(1.01, 1.0), 0.01 * (1.01 - 1.0) / 0.01);
  EXPECT_DOUBLE_EQ(relative_error(-2.0, -1.0), 1.0);
  EXPECT_DOUBLE_EQ(relative_error(1e-3, 0.0), 1e-3);
}

TEST(Tolerance, KinkRadiusFollowsTheEnginesRounding) {
  ToleranceContext f64;
  ToleranceContext f32;
  f32.engine_unit = unit_roundoff(DType::f32);
  f32.depth = 60;
  EXPECT_GE(kink_radius(f64), 1e3 * unit_roundoff(DType::f64));
  EXPECT_LT(kink_radius(f64), 1e-12);
  EXPECT_GT(kink_radius(f32), 1e-5);
  EXPECT_LT(kink_radius(f32), 1e-3);
}

}  // namespace
}  // namespace tc::oracles
