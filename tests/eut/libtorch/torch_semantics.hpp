// PyTorch's semantics as rewrites of a graph: each rewrite makes the reference engine (TF
// GradientTape semantics) compute what libtorch computes for one documented difference
// (docs/libtorch.md, "Semantics table"). torch(g) ≈ reference(rewrite(g)) is then checkable,
// and a disagreement between the engines is explained by the rewrites that remove it. The
// oracles read torch's differences from its semantics profile (eut/semantics_profile.hpp); these
// rewrites restate them as programs for the differential test, the per-op ones keyed by the
// profile's facts (ties, kink side, softplus threshold).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "graph/ir.hpp"

namespace tc::test::torch_semantics {

struct Rewrite {
  const char* name;  // the row of docs/libtorch.md's semantics table
  graph::Graph (*apply)(const graph::Graph& g);
  bool in_model = true;      // false: an over-approximation tried alone, never in torch_model()
  bool forward_mode = true;  // also what torch's forward-mode AD computes (jvp)
};

// Every rewrite, in the order the differential test tries them.
const std::vector<Rewrite>& rewrites();

// Rewrites of the program torch runs that make torch compute what the reference computes, for
// differences that are easier to state that way round: torch(rewrite(g)) ≈ reference(g).
const std::vector<Rewrite>& torch_rewrites();

// All of them (in_model) applied in turn; for forward mode, those that hold there.
graph::Graph torch_model(const graph::Graph& g);
graph::Graph torch_forward_model(const graph::Graph& g);

// Calls f on every OpStmt of `block`, at any depth (record, stop_recording, cond, while).
void for_each_op(graph::Block& block, const std::function<void(graph::OpStmt&)>& f);

}  // namespace tc::test::torch_semantics
