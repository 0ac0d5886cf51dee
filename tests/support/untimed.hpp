// A campaign's log and report are the same bytes for its options whatever the thread count,
// and a resumed campaign's are those of an uninterrupted one — except for how each run went:
// the trailer's runs record the workers and the wall-clock time (docs/findings_log.md), and
// the report's campaign table shows them with the rates. These remove exactly that, so that a
// test compares everything else byte for byte.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace tc::test {

// The log text with "threads" and "duration_s" taken out of its trailer's runs.
inline std::string untimed_log(const std::string& text) {
  if (text.empty()) return text;
  const std::size_t start = text.rfind('\n', text.size() - 2) == std::string::npos ? 0 : text.rfind('\n', text.size() - 2) + 1;
  nlohmann::json last = nlohmann::json::parse(text.substr(start), nullptr, false);
  if (!last.is_object() || last.value("type", "") != "trailer" || !last.contains("runs")) return text;
  for (nlohmann::json& run : last["runs"]) {
    run.erase("threads");
    run.erase("duration_s");
  }
  return text.substr(0, start) + last.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// The report without its campaign table (the runs' durations and rates) and the note after it.
inline std::string untimed_report(std::string html) {
  const std::size_t from = html.find("<table class=\"campaign\">");
  const std::size_t to = html.find("A check is one oracle", from);
  if (from != std::string::npos && to != std::string::npos) html.erase(from, to - from);
  return html;
}

}  // namespace tc::test
