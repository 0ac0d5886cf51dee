// The programs the second-order oracle (second_order.hpp) runs on the engine for one Gradient
// statement: the nested-tape program whose outer gradient is a Hessian-vector product, and the
// first-order program whose gradient the finite differences difference — each in the graph's
// own dtypes and promoted to f64.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"

namespace tc::oracles {

// The programs for one Gradient statement.
struct HvpProgram {
  std::string not_applicable;  // non-empty: nothing of the statement can be checked (why)
  int gradient = 0;
  graph::Gradient statement;           // a copy of the graph's statement
  std::vector<std::string> why_not;    // per statement source: "" if checked, else why not
  // The checked sources x_1..x_m: graph inputs, and intermediate values overridden from their
  // statement on (intermediate_source.hpp) — in both programs an input of that name, zero at
  // the base point, moves the value from its statement on, its own inputs fixed, as TF's
  // gradient with respect to an intermediate tensor does.
  std::vector<std::string> sources;
  std::vector<graph::Input> overrides;  // those inputs, one per intermediate checked source
  std::map<std::string, std::vector<double>> u;  // the direction u_i per checked source
  // The target reads an earlier gradient's result (the statement is itself second or higher
  // order): the programs keep the graph's tapes, watches and earlier gradients before the
  // statement, so the engine computes that gradient and the oracle's tapes differentiate
  // through it. Otherwise tape statements are stripped (every op recorded).
  bool through_earlier_gradient = false;
  // How many gradient() calls of the graph each program makes before its own (0 unless
  // through_earlier_gradient): its own results follow them in a RunResult's gradients.
  int earlier_gradients = 0;
  graph::Graph nested;       // its own gradients: inner (g), then outer (hvp, one slot per source)
  graph::Graph nested_f64;   // the same promoted to f64 (the rounding probe's baseline)
  graph::Graph first_order;  // f64-promoted; its own gradient is g
  graph::Graph first_order_native;  // the same in the graph's own dtypes (tolerance context)
};

// Builds the programs for statement `gradient` (execution order through record and
// stop_recording blocks, as count_gradient_statements in objective.hpp). The programs'
// inputs are g's and `overrides` (whose Init is the base point), then the directions u.
// `inputs` (unlisted ones take their Init) is where the oracle's evaluator learns the dtypes
// and shapes of intermediate sources.
HvpProgram make_hvp_program(const graph::Graph& g, int gradient, std::uint64_t seed = 0,
                            const eut::InputValues& inputs = {});

// The second-order oracle's seeded streams: one per (salt, a, b) — salt the purpose (u, w,
// moves), a the source, b a run or direction number.
std::uint64_t second_order_stream(std::uint64_t seed, std::uint64_t salt, std::uint64_t a, std::uint64_t b = 0);

}  // namespace tc::oracles
