// engine/core/format.hpp: the one number formatter for people.
#include "engine/core/format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tc {
namespace {

TEST(FormatNumber, SignificantDigitsAsPercentG) {
  EXPECT_EQ(format_number(3.14159265), "3.14159");
  EXPECT_EQ(format_number(3.14159265, 3), "3.14");
  EXPECT_EQ(format_number(3.1e-16, 2), "3.1e-16");
  EXPECT_EQ(format_number(-2.5), "-2.5");
  EXPECT_EQ(format_number(1e21), "1e+21");
}

TEST(FormatNumber, NanInfAndZeroAreSpelledOneWay) {
  EXPECT_EQ(format_number(std::nan("")), "nan");
  EXPECT_EQ(format_number(-std::nan("")), "nan");  // never "-nan"
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(-0.0), "0");
}

}  // namespace
}  // namespace tc
