// The oracles that propagate the derivative through f itself rather than differencing it —
// complex step (f on complex numbers, one element moved by i·h) and forward mode (f on dual
// numbers, the sources moved along ε·u) — as one oracle: they differ only in how a source is
// perturbed and how the derivative is read off f's value. Everything else — the entries
// (elements or random directions), the engine's rounding, the comparison and the excuses at
// kinks and leaked NaNs — is here, once. complex_step.hpp and forward_mode.hpp name the two.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/scalar.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/comparison.hpp"
#include "oracles/finding.hpp"
#include "oracles/objective.hpp"
#include "oracles/rounding_probe.hpp"

namespace tc::oracles {

// One entry's reference as such an oracle computed it: exact but for the f64 rounding of the
// terms behind it, so its error estimate needs no step size.
struct PropagatedReference {
  bool evaluated = false;       // the evaluation ran and both numbers are finite
  double value = 0, terms = 0;  // the reference and Σ|terms| behind it
  // The largest derivative part the evaluation carried (the perturbed source's included),
  // times the largest cotangent entry: a cancellation inside an op (softmax's normalisation)
  // leaves an error relative to it, however small the reference.
  double carried = 0;
  // The evaluation took other branches than the base point's: complex step's (x + ih)² has the
  // real part x² − h², which a floor or a comparison at x = 0 sees on its other side. Its value
  // is then no derivative at the point; a disagreement there is inconclusive (a kink).
  bool off_base_branches = false;
};

// The verdict on every entry of `plan` against references[t], deterministic for any thread
// count:
//  - an entry whose reference was not evaluated is inconclusive (`not_evaluated` says why);
//  - one within tolerance agrees: the error is the f64 rounding of its terms, the terms at
//    least the largest reference element of its source (an f32 backward pass errs relative
//    to the largest terms it sums, not to each small entry), plus the engine's rounding as
//    `rho` observed it;
//  - a disagreement is inconclusive where the engine's NaN may have leaked from a where
//    (excuse_nan_leaked_by_where) or where the point lies on a kink (near_kink within
//    kink_radius, probed in parallel over `threads`): the derivative there is a convention —
//    unless `kinks_judged`: the engine declares the op table's kink rules, the graph is f64
//    and the oracle's own evaluation takes the same side of every kink as the f64 evaluation
//    (so as the engine, whose f64 values are the same). The oracle's kernels realise exactly
//    the table's rule at a kink, so a disagreement there is a derivative the declared
//    semantics do not give: a mismatch (relu'(0) = 1, clip's bound excluded, a tie's
//    gradient sent to every tied element);
//  - any other disagreement is a mismatch.
std::vector<EntryCheck> compare_propagated(const Objective& o, const EntryPlan& plan,
                                           const std::vector<PropagatedReference>& references,
                                           const RoundingProbe& rho, const char* not_evaluated,
                                           bool kinks_judged, int threads);

// How one propagating oracle perturbs and reads. S: c128 (complex step) or Dual (forward mode).
template <class S>
struct Propagation {
  const char* oracle = "";         // the findings' oracle name
  const char* not_evaluated = "";  // why an entry whose evaluation failed is inconclusive
  bool per_element = true;         // entries are elements; else random directions (`directions`)
  DirectionDraw directions;
  double step = 0;                 // handed to `perturb`
  // The step may be too large for f's scale (a complex step); a mismatch is taken again with
  // smaller ones (check_propagated). Duals have no step.
  bool step_can_be_too_large = false;
  // Why the oracle does not apply to an objective that is otherwise checkable ("" if it does).
  std::string (*refuses)(const Objective& o) = nullptr;
  // Moves source buffer `x` (at the base point) along entry `task` — its element, or
  // `direction` in projection modes — and returns the scale the derivative part of f is
  // divided by (the complex step's h; 1 for duals).
  double (*perturb)(std::vector<S>& x, const EntryTask& task, const std::vector<double>* direction,
                    double step) = nullptr;
  // The derivative part of f's value: Im f, or the dual part.
  double (*derivative)(const S& value) = nullptr;
  // The engine declares the op table's kink rules (compare_propagated).
  bool judge_kink_rules = false;
  // The engine's semantics (which values it holds constant: tape_analysis.hpp); null: TF's.
  const eut::SemanticsProfile* semantics = nullptr;
};

// One finding per (Gradient statement, source); the derivative propagated by `how` against
// the engine's gradient. Deterministic for any thread count (`threads` OpenMP threads, 0 =
// the default; `probe_seed` seeds the rounding probe).
template <class S>
std::vector<Finding> check_propagated(const graph::Graph& g, const eut::InputValues& inputs,
                                      const eut::RunResult& engine_result, const Propagation<S>& how,
                                      int threads, std::uint64_t probe_seed);
// The same with the objectives prepared once (objective.hpp): their semantics profile is the
// one used, how.semantics is not read.
template <class S>
std::vector<Finding> check_propagated(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                      const Propagation<S>& how, int threads, std::uint64_t probe_seed);

}  // namespace tc::oracles
