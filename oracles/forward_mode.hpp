// The forward-mode (JVP) oracle: the duality <v, J u> = <vᵀJ, u>.
//   forward: J u by evaluating the graph on dual numbers (every op's forward kernel on Dual —
//            independent of the engine's backward pass), dotted with v;
//   reverse: the engine under test's gradient vᵀJ for this statement (its own
//            output_gradients v, or ones), dotted with u.
// Using the engine's RunResult rather than a modified graph keeps the oracle to one engine
// run and checks exactly the gradient the engine reported. Both sides are f64 sums in a fixed
// order; they agree to ~1e-12 relative on an f64 engine, so a 1e-6 relative error is plain.
// At a point on a kink a disagreement is inconclusive (another engine's convention may differ).
#pragma once
#include <cstdint>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"
#include "oracles/comparison.hpp"

namespace tc::oracles {

struct ForwardModeOptions {
  int directions = 3;      // random directions u per source (entries ±[0.5, 1))
  bool per_element = false;  // instead: u = e_j for every element j (the whole gradient)
  std::uint64_t seed = 0;
  int threads = 0;         // OpenMP threads; 0 = the OpenMP default
  std::uint64_t probe_seed = 0x726f756e64ULL;  // the rounding probe (tolerance.hpp)
  // The engine declares the op table's kink rules (Capabilities::table_kink_rules): on an f64
  // graph, a disagreement at a kink is then a mismatch, not a convention (propagated.hpp).
  bool judge_kink_rules = false;
  // The engine's semantics (which values it holds constant: tape_analysis.hpp); null: TF's.
  const eut::SemanticsProfile* semantics = nullptr;
};

// One finding per (Gradient statement, source). Deterministic for any thread count.
std::vector<Finding> check_forward_mode(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ForwardModeOptions& options = {});

// The same with the objectives prepared once for the graph and inputs (objective.hpp); their
// semantics profile is the one used, options.semantics is not read.
std::vector<Finding> check_forward_mode(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                        const ForwardModeOptions& options = {});

// Many graphs, in parallel across graphs (options.threads of them; each graph single-threaded),
// findings in case order (objective.hpp, OracleCase).
std::vector<std::vector<Finding>> check_forward_mode(const std::vector<OracleCase>& cases,
                                                     const ForwardModeOptions& options = {});

}  // namespace tc::oracles
