// RapidCheck generators of random, valid gradient computations (graph::Graph), built from the
// op table and nothing else: genGraph() writes a random *program* — a pool of typed values,
// ops picked from op_table() whose infer() accepts operands drawn from the pool (or fresh
// inputs sampled inside the op's Domain), attributes proposed until infer() succeeds, and
// recording regions, watches, cond / while_loop, nested tapes and gradient requests around
// them. Every generated graph validates, runs on the reference engine without an error (unless
// a knob asks for one) and keeps every operand inside its op's Domain (properties/concrete.hpp).
// Its size grows with RapidCheck's size parameter. Failing graphs shrink with
// properties/shrink.hpp (wired in by genGraph) and print as .tcg (showValue below).
// docs/properties.md describes the program, the knobs and the shrinker.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>

#include <rapidcheck.h>

#include "graph/ir.hpp"
#include "properties/sampling.hpp"

namespace tc::properties {

// What a generated graph may contain. Every knob is "allowed", not "always": the generator
// draws per graph; the require_* knobs force a feature into every graph.
struct GenOptions {
  // dtypes: each graph computes in one floating dtype drawn from the allowed ones (casts to the
  // other one may appear).
  bool f32 = true;
  bool f64 = true;
  // Ops whose inputs are all non-differentiable (floor, argmax, comparisons, logical ops ...,
  // read from the table's GradClass) and stop_gradient.
  bool nondiff_ops = true;
  bool stop_gradient = true;    // stop_recording blocks (stop_gradient is a nondiff op)
  bool integer_paths = true;    // i32 values: int casts, argmax, gather/scatter indices, i32 sources
  bool unwatched_sources = true;  // constants and non-trainable variables as sources, watch
                                  // statements, watch_accessed_variables=false tapes
  bool recording_gaps = true;   // ops before the tape records, between two record blocks
  bool cond = true;
  // A cond branch may yield an outer value unchanged (`yield %x`): the yielded tensor is the
  // outer one itself (the reference engine's explanation walk once looped on this; see
  // docs/properties.md, "Bugs found"). P2_Connectivity.CondBranchesYieldingOuterValues makes
  // it frequent.
  bool identity_yields = true;
  bool while_loop = true;
  bool fan_out = true;          // reuse a value many times
  bool broadcasting = true;     // operands of different, broadcast-compatible shapes
  bool reductions = true;       // reductions over some axes, keepdims=true
  bool second_order = true;     // an outer tape records an inner gradient (R10)
  bool output_gradients = true;
  bool unconnected_zero = true;
  bool persistent = true;       // persistent tapes with several gradient calls
  bool intermediate_sources = true;  // op results as gradient sources
  // An apply_gradients step after the last gradient() with its results for the variables
  // among the sources (R14); some of them may be None (the warning case), never all.
  bool optimizer_step = true;
  // Operands put on their op's edge points (Edges in the table: exact zeros, ties, clip's
  // bounds, magnitudes near exp's overflow) in a fixed share of the ops that have them.
  bool edges = true;
  // Losses weight each summed value by a random constant (and output_gradients are random):
  // an all-ones upstream gradient hides permuted or shifted gradients of shape ops.
  bool weighted_losses = true;
  // Only ops whose table row has a complex extension and no kinks, and no ops that cut
  // (complex-step agreement, P5). Implies no integer paths.
  bool analytic_only = false;

  bool require_second_order = false;
  bool require_output_gradients = false;
  bool require_cond = false;
  bool require_while = false;
  // A gradient() call too many on a non-persistent tape: the run must raise (R9).
  bool require_tape_error = false;

  // If set, the graph contains this op (the P11 coverage property focuses each case on one).
  const OpDef* focus_op = nullptr;
  // Ops the graph also contains as focus ops are placed (one to three instances, their first
  // operand a trainable variable, edge points more often), while the target descends from
  // focus_op alone. A campaign spreads its graphs over a table of 100+ ops: with one focus per
  // graph each op is focused in fewer than 1% of them, too few to reach the operands a bug
  // needs (a tie in a reduced group, a non-involutive permutation). Empty: no extra draws.
  std::vector<const OpDef*> also_focus;

  int max_elements = 12;  // per tensor, before broadcasting (sources stay small: FD is cheap)
  int max_steps = 0;      // program steps; 0 = grows with RapidCheck's size (1 .. 1 + size/9)
};

// The graph for (options, seed, size): deterministic. genGraph draws `seed` from RapidCheck.
graph::Graph build_graph(const GenOptions& options, std::uint64_t seed, int size);
// The same program with every choice taken from `choices` (a fuzzer's bytes): each choice the
// seeded stream would draw is asked of `choices` instead, so every graph it gives is one the
// seeded generator can give too, and valid for the same reasons.
graph::Graph build_graph(const GenOptions& options, ChoiceSource& choices, int size);

// Random graphs with the shrinker of properties/shrink.hpp attached.
rc::Gen<graph::Graph> genGraph(const GenOptions& options = {});

// Small facts about a graph, for RC_CLASSIFY / RC_TAG and for tests.
struct GraphFacts {
  int ops = 0;              // OpStmts, at any depth
  int gradients = 0;        // Gradient statements
  bool has_cond = false, has_while = false, has_stop_recording = false, has_watch = false;
  bool second_order = false;  // a Gradient result is used by a later statement
  bool has_output_gradients = false, has_unconnected_zero = false;
  bool has_optimizer_step = false;  // an apply_gradients statement
  bool f32 = false, f64 = false, i32 = false;
};
GraphFacts facts(const graph::Graph& g);

}  // namespace tc::properties

namespace tc::graph {
// RapidCheck prints a graph in a counterexample as its .tcg text (print_tcg).
void showValue(const Graph& g, std::ostream& os);
}  // namespace tc::graph

namespace rc {
template <>
struct Arbitrary<tc::graph::Graph> {
  static Gen<tc::graph::Graph> arbitrary() { return tc::properties::genGraph(); }
};
}  // namespace rc
