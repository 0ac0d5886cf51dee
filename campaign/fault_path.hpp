// The path at fault for a wrong gradient value: which way from the source to the target the
// error comes in. The report draws it (FindingEvidence::path, docs/report.md).
//
// A wrong d target/d source is localised by asking the engine for d target/d v for every
// intermediate value v on a source-to-target path (reports::path_between, built on the one
// graph walk), each in a copy of the graph whose gradient() takes v as its only source, and
// checking each with the oracles. An op with a wrong backward rule makes d target/d v wrong
// for every v before it and right for every v after it: the value nearest the target whose
// gradient still mismatches is the last one before the culprit op. The path at fault is every
// value on a path from the source through that value to the target.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/check_all.hpp"

namespace tc::campaign {

struct FaultPath {
  std::vector<std::string> values;  // source to target, in definition order; empty: not found
  std::string last_wrong;           // the value nearest the target whose gradient mismatches
                                    // (the source itself when no intermediate one does)
};

// For d target/d source of `g` (names of `g`) as `engine` computes it. At most `max_checks`
// intermediate values are checked, nearest the target first, none after `deadline` (then the
// path runs through the last wrong value found so far, or is every path). Never throws.
FaultPath fault_path(const graph::Graph& g, const std::string& target, const std::string& source,
                     eut::EngineUnderTest& engine, const oracles::CheckOptions& options, int max_checks = 24,
                     std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

}  // namespace tc::campaign
