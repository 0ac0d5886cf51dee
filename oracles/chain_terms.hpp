// The magnitude of the terms behind each gradient entry an oracle compares: Σ over the chain
// rule's paths from the entry's source element (or direction) to f of |Π partials|, weighted
// by |v|. Reverse mode sums exactly these path products (in another order), so an engine's
// rounding of the entry is bounded by u·(depth + 4)·Σ|terms| (tolerance.hpp), however much
// they cancel: softmax's VJP y·(g - Σ g·y) on f32 logits near 90 cancels terms of size |g|·|y|
// into a gradient of 3e-5, whose f32 rounding (~1e-7) a tolerance relative to the result
// called a mismatch (docs/oracles.md, "Tolerance model"). Computed by one evaluation of the
// prepared graph on TermsDual numbers (engine/core/scalar.hpp) per entry, independent of any
// engine's backward pass.
#pragma once
#include <vector>

#include "oracles/comparison.hpp"
#include "oracles/objective.hpp"

namespace tc::oracles {

// One value per entry of `plan` (its tasks' order): the Σ|terms| behind it, seeded with
// t = 1 on the element or |u_i| on a direction's elements; 0 where the evaluation fails or is
// not finite (the other terms of the tolerance stand). Deterministic for any thread count.
std::vector<double> chain_terms(const Objective& o, const EntryPlan& plan, int threads);

}  // namespace tc::oracles
