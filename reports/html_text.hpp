// Small text helpers the HTML report's translation units share: escaping, numbers, badges.
#pragma once
#include <cmath>
#include <cstdio>
#include <string>

#include "oracles/check_all.hpp"
#include "reports/html_report.hpp"

namespace tc::reports::html {

inline std::string esc(const std::string& s) { return html_escape(s); }

// Three significant digits; NaN and infinities spelled as the log spells them.
inline std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Full precision, for values a person compares digit by digit (engine vs oracle).
inline std::string precise(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

inline std::string plural(long n, const std::string& one, const std::string& many = "") {
  return std::to_string(n) + " " + (n == 1 ? one : (many.empty() ? one + "s" : many));
}

inline std::string verdict_badge(oracles::Verdict v) {
  return std::string("<span class=\"badge v-") + oracles::verdict_name(v) + "\">" + oracles::verdict_name(v) +
         "</span>";
}

inline std::string outcome_badge(oracles::Outcome o) {
  return std::string("<span class=\"badge o-") + oracles::outcome_name(o) + "\">" + oracles::outcome_name(o) +
         "</span>";
}

}  // namespace tc::reports::html
