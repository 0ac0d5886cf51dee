// The complex-step oracle: the forward evaluated in std::complex<double> with one source
// element moved by i·h, derivative = Im f(x + i h e_j) / h (or, for large sources, the whole
// source moved along a random direction u: Im f(x + i h u) / h = <∇f, u>). No difference is taken, so there is
// no cancellation: the derivative is as accurate as the forward (~1e-14 relative on smooth
// graphs), whatever h (1e-20 here). Branches decide on real parts, so the kernels pick the same
// side of every kink the engine documents — at a point ON a kink the engine's convention and
// another engine's may differ, so a disagreement there is inconclusive, never a mismatch.
// A graph through which the derivative flows via an op without a complex extension (erf,
// sign, ...; OpDef::complex_step_ok) is not_applicable.
#pragma once
#include <cstdint>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"
#include "oracles/comparison.hpp"

namespace tc::oracles {

struct ComplexStepOptions {
  double step = 1e-20;  // relative to max(|x|, 1) (in directions: max over the source's elements)
  // Every element of every source, one complex evaluation each: N evaluations of the whole
  // graph, so N² work in the source's size. Otherwise `directions` random directions u per
  // source (entries ±[0.5, 1)), x + i·h·u, Im f / h = <∇f, u>: as exact, and linear in N. An
  // error e in the gradient shows in <e, u> unless u's entry at e's largest element lands in an
  // interval of width 2·tol/|e_max| (its density is at most 1): a miss has probability at most
  // (2·tol/|e_max|)^directions, ≤ 10^-3 with 3 directions for an error 20 tolerances large.
  bool per_element = true;
  int directions = 3;
  std::uint64_t seed = 0;  // the directions'

  int threads = 0;      // OpenMP threads; 0 = the OpenMP default
  std::uint64_t probe_seed = 0x726f756e64ULL;  // the rounding probe (tolerance.hpp)
  // The engine declares the op table's kink rules (Capabilities::table_kink_rules): on an f64
  // graph, a disagreement at a kink is then a mismatch, not a convention (propagated.hpp).
  bool judge_kink_rules = false;
  // The engine's semantics (which values it holds constant: tape_analysis.hpp); null: TF's.
  const eut::SemanticsProfile* semantics = nullptr;
};

// One finding per (Gradient statement, source): every element of every source, or random
// directions (options.per_element). Deterministic for any thread count.
std::vector<Finding> check_complex_step(const graph::Graph& g, const eut::InputValues& inputs,
                                        const eut::RunResult& engine_result,
                                        const ComplexStepOptions& options = {});

// The same with the objectives prepared once for the graph and inputs (objective.hpp); their
// semantics profile is the one used, options.semantics is not read.
std::vector<Finding> check_complex_step(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                        const ComplexStepOptions& options = {});

// Many graphs, in parallel across graphs (options.threads of them; each graph single-threaded),
// findings in case order (objective.hpp, OracleCase).
std::vector<std::vector<Finding>> check_complex_step(const std::vector<OracleCase>& cases,
                                                     const ComplexStepOptions& options = {});

}  // namespace tc::oracles
