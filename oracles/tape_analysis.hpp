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

struct TapeConstants {
  std::vector<std::string> frozen;  // values to hold at their base values, in execution order
  std::string problem;              // non-empty: such a value sits inside cond/while_loop (why)
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
