// Semantic validation of a graph: SSA names and scopes, tapes, ops and their attributes,
// shape/dtype inference of every value through the op table, control-flow and gradient
// rules, size caps. See docs/tcg.md "Validation" for the full list.
#pragma once
#include <map>
#include <string>

#include "graph/ir.hpp"
#include "graph/tcg.hpp"

namespace tc::graph {

// The dtype and shape of every value by name: inputs, op results, cond/while results,
// loop variables, values defined inside blocks, gradient results (a gradient result has
// its source's spec; whether it is None is the connectivity oracle's business).
using ValueSpecs = std::map<std::string, TensorSpec>;

// Throws GraphError at the offending statement (at the exact token when `map` comes from
// the parser) for the first problem found; otherwise returns the spec of every value.
ValueSpecs validate(const Graph& g, const SourceMap* map = nullptr);

}  // namespace tc::graph
