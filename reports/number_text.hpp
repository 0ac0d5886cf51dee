// Numbers as the report prints them: three significant digits where a person scans, ten where
// a person compares engine and oracle digit by digit; NaN and infinities as the log spells them.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>

namespace tc::reports {

inline std::string number_text(double v, int digits = 3) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

}  // namespace tc::reports
