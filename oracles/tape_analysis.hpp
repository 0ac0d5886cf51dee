// Which values the tape treats as constants although they move with the sources, for one
// Gradient statement of an objective's prepared graph (objective.hpp).
//
// A flow-sensitive walk of the prepared graph for the statement's tape, mirroring the
// engine's recording rule (docs/engine.md "Recording"): an op is recorded iff the tape is
// recording and some operand is tracked along a gradient-passing edge (differentiable class,
// floating operand and output). Alongside, which values move when the sources move: `smooth`
// if they move continuously, `piecewise` if only by jumps (comparisons, floor, integer casts).
// A value that moves smoothly but is not recorded — or is a stop_gradient — is a constant to
// the tape and must be frozen.
#pragma once
#include <string>
#include <vector>

#include "eut/semantics_profile.hpp"
#include "graph/ir.hpp"
#include "oracles/evaluate.hpp"

namespace tc::oracles {

// One operand of one op that the tape holds constant for that op only: under a profile whose
// edges are fixed when an op runs (torch, row 4), an op that read a value before the value was
// tracked (a variable watched after a matmul used it) has no edge to it, while later ops do.
struct HeldUse {
  std::string result;       // the op statement's result (names the statement)
  std::size_t operand = 0;  // which of its operands
  std::string value;        // the operand's name
};

struct TapeConstants {
  // Values to hold at their base values, in execution order: at top level, in record blocks,
  // or in the branch a top-level cond takes at the base point (it runs once there).
  std::vector<std::string> frozen;
  std::vector<HeldUse> held_uses;   // uses to hold at their base values (a graph input), as placed
  std::string problem;              // non-empty: such a value sits in a loop body or a nested
                                    // or unknown branch, where it cannot be held (why)
  std::string complex_ineligible;   // the first op without a complex extension the derivative
                                    // flows through, "" if none
};

// The analysis of `prepared` up to statement `target` (one of its statements), with the branch
// and trip counts of the base point `base`. Throws tc::Error for a malformed graph.
// Under `profile`'s recording, watching and per-op rules (eut/semantics_profile.hpp).
TapeConstants tape_constants(const graph::Graph& prepared, const graph::Gradient& target,
                             const Evaluation<double>& base,
                             const eut::SemanticsProfile& profile = eut::tf_profile());

}  // namespace tc::oracles
