// What the report draws beside a mismatching graph that its record does not otherwise hold:
// every value of the graph shown (the minimal one when shrinking made one) as a short text
// under its node, that graph's names for the result the mismatch is about when the shrinker
// renamed them (docs/report.md, "Graph record: annotations"), and the path at fault of a wrong
// value (the finding's evidence path).
#pragma once
#include <chrono>
#include <string>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/check_all.hpp"
#include "reports/findings_log.hpp"
#include "reports/report_data.hpp"

namespace tc::campaign {

// "f64[3] 0.5 -1 2", "f32[2,4] 1 2 3 4 …": dtype, shape and the first few elements.
std::string value_text(const eut::Value& v);

// The annotations of a graph checked as `report` and shown as `shown` (the graph itself, or its
// minimal form): `engine` runs `shown` for the values; when `shown` is not the graph, it is
// checked again (`options`) to name its first mismatch by an oracle that mismatched before.
reports::GraphAnnotations annotate(const graph::Graph& g, const graph::Graph& shown, const oracles::CheckReport& report,
                                   eut::EngineUnderTest& engine, const oracles::CheckOptions& options);

// The path at fault (fault_path.hpp) of the first wrong value among the mismatches of `log`'s
// one graph, in the names of `shown` (annotations.minimal_* when the shrinker renamed them), set
// as the evidence path of every numerical oracle's mismatch about that result.
// No check starts after `deadline`.
void annotate_fault_path(reports::FindingsLog& log, const graph::Graph& shown, eut::EngineUnderTest& engine,
                         const oracles::CheckOptions& options,
                         std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

}  // namespace tc::campaign
