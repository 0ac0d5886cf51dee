// What the report draws beside a mismatching graph that its record does not otherwise hold:
// every value of the graph shown (the minimal one when shrinking made one) as a short text
// under its node, and that graph's names for the result the mismatch is about when the
// shrinker renamed them (docs/report.md, "Graph record: annotations").
#pragma once
#include <string>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/check_all.hpp"
#include "reports/report_data.hpp"

namespace tc::campaign {

// "f64[3] 0.5 -1 2", "f32[2,4] 1 2 3 4 …": dtype, shape and the first few elements.
std::string value_text(const eut::Value& v);

// The annotations of a graph checked as `report` and shown as `shown` (the graph itself, or its
// minimal form): `engine` runs `shown` for the values; when `shown` is not the graph, it is
// checked again (`options`) to name its first mismatch by an oracle that mismatched before.
reports::GraphAnnotations annotate(const graph::Graph& g, const graph::Graph& shown, const oracles::CheckReport& report,
                                   eut::EngineUnderTest& engine, const oracles::CheckOptions& options);

}  // namespace tc::campaign
