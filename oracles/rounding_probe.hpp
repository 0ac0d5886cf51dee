// The engine's rounding on one graph, observed rather than bounded a priori: the rounding
// probe behind every numerical oracle's tolerance (tolerance.hpp, R), and the jitter that
// simulates rounding by perturbing op results (also used by the second-order oracle).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/objective.hpp"
#include "oracles/running_error.hpp"

namespace tc::oracles {

// The engine's rounding, observed (a Monte-Carlo rounding analysis): for `directions` random
// directions u of each source, f's JVP on dual numbers is evaluated on the prepared graph and
// on `realizations` copies in which every floating op result is multiplied by its own
// (1 + δ), δ uniform in [-u_e, u_e] per element (u_e: the engine's unit roundoff) — rounding
// of every intermediate value, primal and tangent, at the engine's precision — and so is
// every floating graph input (backward stability: a kernel rounding on its operands' scale;
// where that changes the branch signature, the results-only copy is used); the result of an
// op whose terms cancel (a matmul of products that sum to ~0) also gets δ' times the terms'
// magnitude added, as it rounds on their scale whether or not its operands are jittered. Per
// source, with Δ = max |JVP_jittered - JVP| over directions and realizations and
// S = sqrt(Σ_i (g_i u_i)²) (g: the engine's gradient), three scales of it:
//   relative[s] = Δ / max(min(S, |JVP|), S / sqrt(n))   (errors independent per element, or
//                 one shared error, whichever is larger; without g: Δ / (|JVP| / sqrt(n)))
//                 — times an entry's magnitude, its rounding;
//   per_unit[s] = Δ / ‖u‖₂ — times a direction's norm (1 for one element), its rounding;
//   cancelled[s] = rounding_bound(u_e, T / ‖u‖₂), T the largest intermediate tangent (op
//                 results, Evaluator::largest_result) times the largest cotangent entry.
// The last two matter where the derivative cancels to ~0 although the terms behind it do not
// (d/dx Σ softmax(x) = 0): a relative scale times ~0 would allow no rounding at all. The
// jitter rounds each op's result once, so it misses cancellation inside one op (softmax's
// tangent s⊙(u - s·u) summed to 0): `cancelled` is the a-priori bound for that, relative to
// the terms that cancelled. Its price: a derivative smaller than ~u_e·depth times the
// graph's intermediate tangents is judged only to that absolute accuracy (docs/oracles.md).
// Zero for sources not given. Deterministic for any thread count.
//
// The jitter rounds results, not the terms an op sums: a VJP that cancels terms much larger
// than its result (softmax's y·(g − Σ g·y) near a one-hot y) rounds relative to the terms.
// `per_node` bounds that a priori, node by node (running_error.hpp); it costs a sweep over the
// graph, so the oracles ask for it only where an entry lies outside the observed rounding.
struct RoundingProbe {
  std::vector<double> relative, per_unit, cancelled;
  std::shared_ptr<const GradientRounding> running;  // null: no per-node bound
  // The rounding the engine's number for `source` may carry: `magnitude` is the entry's (or
  // direction's) magnitude, `direction_norm` ‖u‖₂ of the direction (1 for an element).
  double observed(std::size_t source, double magnitude, double direction_norm) const;
  // kRoundingsPerNode · B(u) for element `index` of `source` (direction null) or `direction`.
  double per_node(std::size_t source, std::int64_t index, const std::vector<double>* direction) const;
};
RoundingProbe rounding_sensitivity(const Objective& o, const std::vector<const eut::Value*>& engine,
                                   std::uint64_t seed, int threads, int directions = 2,
                                   int realizations = 4);

// Per op result, the magnitude of the terms its op summed beyond its own (cancelled_terms).
using CancelledTerms = std::map<std::string, std::vector<double>>;

// Rounding jitter: every floating op or gradient() result %y named in `specs` becomes
// %y = mul(%y~raw, %~jit%y), with %~jit%y a new input (appended to `inputs`, of the spec's
// dtype and shape) of values 1 + δ, δ uniform in [-unit, unit] per element, drawn from `seed`
// and the name. A result whose terms cancel (in `cancelled`, of t per element) rounds on their
// scale, not its own: %y = add(mul(%y~raw, %~jit%y), %~jit+%y), the input %~jit+%y holding δ·t
// (added to the value, not its tangent: the value carries it into the later ops and the
// derivative). Recurses into record, stop_recording, cond and while_loop bodies.
void jitter_block(graph::Block& block, const std::map<std::string, TensorSpec>& specs, double unit,
                  std::uint64_t seed, std::vector<graph::Input>& inputs, const CancelledTerms* cancelled = nullptr);

}  // namespace tc::oracles
