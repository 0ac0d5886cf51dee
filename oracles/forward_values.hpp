// The forward-values oracle: the engine's own values against the graph evaluated promoted to
// f64 with the op table's kernels. A wrong forward is a bug whatever its gradients — an exp
// that overflows where the op is finite (softplus as log(1 + e^x), logsumexp without its max
// shift), a NaN an op should not make — and a gradient of a wrong forward is rarely caught by
// the gradient oracles, which differentiate the right function.
//
// Judged: every floating value the engine reports that the evaluation defines before the
// first gradient(), outside control flow, and not computed from a value the engine
// legitimately has otherwise. The allowance is the engine's rounding of the value's
// largest ancestor (|ancestor| · u_e · (depth + offset)) or, where larger, how far the value
// moves when every floating input moves by its dtype's unit roundoff (the tolerance model's
// observed rounding R: an ill-conditioned step, such as a division by a cancelled difference,
// amplifies the engine's rounding beyond any bound on the ancestors), plus the underflow floor
// (tolerance.hpp); where a value lies outside that, the larger of it and the value's rounding
// bounded node by node (running_error.hpp: a value of cancelled terms whose rounding a
// sensitivity amplifies). An element still outside it is inconclusive, not a mismatch, if it
// is what the op's kernel gives on the engine's own operands — for an op that jumps
// (Trait::discontinuous, or a floating operand giving a bool or integer) also on those
// operands moved by its own rounding: their rounding reached a jump (floor_mod's d = 0) or a
// pole (log|det| of a matrix rounding made exactly singular), where the engine may stand on
// either side; the values computed from it are then not judged, and neither are those
// computed from a bool or integer that differs from the evaluation's. A non-finite engine
// value where the evaluation is finite is otherwise a mismatch.
// Only a disagreement makes a finding (about the first gradient() call, source ""): values
// that agree add nothing a person reads, and every graph would grow a row.
#pragma once
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"

namespace tc::oracles {

// `profile`: the engine's semantics; an engine with its own kernels (Rounding::own_kernels) is
// allowed, on every value, the cancellation floor the gradient oracles allow it
// (ToleranceContext::cancellation_floor): the rounding of the graph's largest value.
std::vector<Finding> check_forward_values(const graph::Graph& g, const eut::InputValues& inputs,
                                          const eut::RunResult& run,
                                          const eut::SemanticsProfile& profile = eut::tf_profile());

}  // namespace tc::oracles
