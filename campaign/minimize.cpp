#include "campaign/minimize.hpp"

#include "properties/shrink.hpp"

namespace tc::campaign {

graph::Graph minimize(const graph::Graph& g, const std::set<std::string>& mismatching, eut::EngineUnderTest& engine,
                      const oracles::CheckOptions& options, int budget,
                      std::chrono::steady_clock::time_point deadline, eut::EngineUnderTest* control) {
  using Clock = std::chrono::steady_clock;
  graph::Graph current = g;
  int checks = 0;
  bool improved = true;
  while (improved && checks < budget && Clock::now() < deadline) {
    improved = false;
    for (const graph::Graph& candidate : properties::shrink_candidates(current)) {
      if (checks >= budget || Clock::now() >= deadline) break;
      ++checks;
      const oracles::CheckReport r = oracles::check_graph(candidate, engine, options);
      bool same = false;
      for (const oracles::Finding& f : r.findings)
        same |= f.outcome == oracles::Outcome::mismatch && mismatching.count(f.oracle);
      if (same && control) same = oracles::check_graph(candidate, *control, options).verdict != oracles::Verdict::mismatch;
      if (same) {
        current = candidate;
        improved = true;
        break;
      }
    }
  }
  return current;
}

std::set<std::string> mismatching_oracles(const oracles::CheckReport& report) {
  std::set<std::string> out;
  for (const oracles::Finding& f : report.findings)
    if (f.outcome == oracles::Outcome::mismatch) out.insert(f.oracle);
  return out;
}

}  // namespace tc::campaign
