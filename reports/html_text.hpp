// Small text helpers the HTML report's translation units share: escaping, numbers, badges.
#pragma once
#include <string>

#include "oracles/check_all.hpp"
#include "reports/html_report.hpp"
#include "reports/number_text.hpp"

namespace tc::reports::html {

inline std::string esc(const std::string& s) { return html_escape(s); }

inline std::string num(double v) { return number_text(v); }
inline std::string precise(double v) { return number_text(v, 10); }

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
