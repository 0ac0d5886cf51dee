// GoogleTest helpers: check an engine on a graph with every oracle, from your own test suite.
//
//   #include "testing/gtest.hpp"
//   TEST(MyEngine, Softplus) {
//     auto engine = std::make_unique<MyEngine>();
//     EXPECT_GRADIENTS_MATCH(*engine, tc::graph::parse_tcg(R"(... .tcg text ...)"));
//   }
//
// The expectation passes when no oracle finds a mismatch; on failure it prints every
// mismatching (gradient, source) with the oracle's sentence and the graph as .tcg, so the
// failure can be replayed with `tapecheck replay --engine plugin:...`.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/check_all.hpp"

namespace tc::testing {

// Success if check_graph finds no mismatch; the failure message lists the mismatches.
::testing::AssertionResult GradientsMatch(const char* engine_expr, const char* graph_expr,
                                          eut::EngineUnderTest& engine, const graph::Graph& g,
                                          const oracles::CheckOptions& options = {});

// Reads a .tcg file (parse and validate); tc::Error with FILE:LINE:COLUMN on bad input.
graph::Graph load_tcg(const std::string& path);

}  // namespace tc::testing

#define EXPECT_GRADIENTS_MATCH(engine, graph) EXPECT_PRED_FORMAT2(::tc::testing::GradientsMatch, engine, graph)
#define ASSERT_GRADIENTS_MATCH(engine, graph) ASSERT_PRED_FORMAT2(::tc::testing::GradientsMatch, engine, graph)
