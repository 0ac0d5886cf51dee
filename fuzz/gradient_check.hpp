// The gradient_check fuzz target's pieces (fuzz/gradient_check_fuzzer.cpp), shared with
// `tapecheck fuzz-input-to-tcg` and scripts/fuzz.sh's triage: a fuzz input's bytes are the
// choices of the property generator (properties/generators.hpp, build_graph with a
// ChoiceSource), read with libFuzzer's FuzzedDataProvider, so coverage guidance steers the one
// generator the properties and campaigns use; a mismatch of the oracles is summed up in a few
// facts and a signature that says which findings are the same bug.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/ir.hpp"
#include "oracles/check_all.hpp"
#include "properties/generators.hpp"

namespace tc::fuzz {

// What gradient_check generates: every feature the properties use, small graphs (at most 8
// program steps, at most 12 elements per tensor), so that the oracles' fixed cost per input
// dominates and thousands of inputs run per second.
properties::GenOptions gradient_check_options();

// The graph a fuzz input stands for. Deterministic: the same bytes give the same graph, on any
// build. The first choices fix the program's size; once the bytes are used up every further
// range takes its low end and every optional feature is off, so short inputs give small graphs.
graph::Graph graph_from_fuzz_input(const std::uint8_t* data, std::size_t size);

// The oracles' settings for a fuzz input: one thread, oracle seed 0, every oracle on.
oracles::CheckOptions gradient_check_check_options();

// One mismatching (gradient, source) of a check, in the fewest facts a person needs.
struct MismatchFacts {
  std::string oracle;   // the oracle whose mismatch decides the verdict
  int gradient = 0;
  std::string target, source;  // source "" for a whole gradient() call
  std::vector<std::string> op_path;  // the ops on some path from source to target, sorted, unique
  std::string detail;
};

// The report's mismatches, in report order.
std::vector<MismatchFacts> mismatches(const graph::Graph& g, const oracles::CheckReport& report);

// "mismatch finite_difference add,mul": kind, oracle and op path — what makes two failing
// inputs the same finding for triage (value names and sizes are left out on purpose: the
// shrinker and the fuzzer rename and resize freely).
std::string signature(const MismatchFacts& m);

// The ops (OpStmt op names) that lie on a def-use path from `source` to `target` in `g`, at any
// block depth, sorted and unique; with an empty `source`, every op `target` depends on.
std::vector<std::string> op_path(const graph::Graph& g, const std::string& target, const std::string& source);

}  // namespace tc::fuzz
