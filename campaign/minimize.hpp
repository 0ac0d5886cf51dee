// Shrinking a mismatching graph to a small one that still mismatches: what the campaign and
// the mutation analysis put in front of a person.
#pragma once
#include <chrono>
#include <set>
#include <string>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/check_all.hpp"

namespace tc::campaign {

// Greedy shrinking (properties/shrink.hpp's candidates): the first candidate that still has a
// mismatch by one of the `mismatching` oracles becomes the graph, until no candidate does,
// `budget` checks are spent or `deadline` passes. With a `control` engine (the reference, when
// shrinking a mutant's counterexample) a candidate must also have no mismatch on it: a smaller
// graph the oracles get wrong for every engine shows no bug.
graph::Graph minimize(const graph::Graph& g, const std::set<std::string>& mismatching, eut::EngineUnderTest& engine,
                      const oracles::CheckOptions& options, int budget,
                      std::chrono::steady_clock::time_point deadline,
                      eut::EngineUnderTest* control = nullptr);

// The oracles with a mismatch in `report`.
std::set<std::string> mismatching_oracles(const oracles::CheckReport& report);

}  // namespace tc::campaign
