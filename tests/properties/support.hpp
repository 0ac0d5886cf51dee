// Small helpers the property tests share.
#pragma once
#include <rapidcheck.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/tcg.hpp"
#include "oracles/finding.hpp"

namespace tc::properties {

// Tags a case by what the oracle could judge: RapidCheck prints the distribution.
inline void classify_findings(const std::vector<oracles::Finding>& findings) {
  bool agree = false, inconclusive = false;
  for (const auto& f : findings) {
    agree = agree || f.outcome == oracles::Outcome::agree;
    inconclusive = inconclusive || f.outcome == oracles::Outcome::inconclusive;
  }
  RC_CLASSIFY(agree, "some source checked");
  RC_CLASSIFY(!agree, "nothing checkable");
  RC_CLASSIFY(inconclusive, "some inconclusive");
}

// A seed derived from the graph's text: directions and random values that shrink with the
// graph instead of being shrunk separately.
inline std::uint64_t graph_seed(const graph::Graph& g) {
  return std::hash<std::string>{}(graph::print_tcg(g));
}

}  // namespace tc::properties
