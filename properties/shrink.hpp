// Shrinking a failing graph: candidate simpler graphs, most aggressive first, each one valid
// (graph::validate) — RapidCheck takes the first candidate that still fails and starts over
// from it, so a failing graph ends as a handful of readable nodes. genGraph() attaches
// shrink_graph() with rc::shrinkable::shrinkRecur.
//
// Candidates, in order (each followed by dead-code elimination):
//   1. dead-code elimination alone;
//   2. drop a Gradient statement (while another one remains);
//   3. unwrap control flow: a cond becomes its then or its else branch (results renamed to the
//      yields), a while_loop becomes its initial values; unwrap stop_recording and record;
//   4. cut at an op: its result becomes a new trainable variable input holding the op's value
//      (so downstream values are unchanged) and a new source of every gradient statement —
//      or a plain constant input;
//   5. bypass an op: uses of its result go to one of its operands of the same dtype and shape;
//   6. drop a gradient source, a watch, output_gradients, unconnected=zero;
//   7. shrink shapes: one dim size d > 1 becomes d-1 (and 1) in every input shape and every
//      shape-like attribute at once (a "family" of dims);
//   8. simplify input values: all 0, all 1, all equal, one decimal; a variable becomes a
//      constant, trainable=false becomes true; tapes lose persistent/watch_accessed_variables.
// Every candidate is strictly simpler in a well-founded order (fewer statements, smaller
// shapes, simpler Init), so shrinking terminates.
#pragma once
#include <vector>

#include <rapidcheck.h>

#include "graph/ir.hpp"

namespace tc::properties {

// Lazily computed candidates (what RapidCheck consumes).
rc::Seq<graph::Graph> shrink_graph(const graph::Graph& g);

// All candidates at once (tests).
std::vector<graph::Graph> shrink_candidates(const graph::Graph& g);

// Removes ops, blocks, watches, inputs and tapes nothing depends on (Gradient statements stay).
graph::Graph eliminate_dead_code(const graph::Graph& g);

// The number of OpStmts at any depth.
int op_count(const graph::Graph& g);

}  // namespace tc::properties
