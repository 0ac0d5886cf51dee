// The second-order oracle: Hessian-vector products through nested tapes (R10) against finite
// differences of the engine's own first-order gradient.
//
// For Gradient statement k of a graph — loss L = Σ v·T (v = output_gradients, ones if absent,
// R8) and floating sources x_1..x_m — graph inputs, or intermediate values overridden from
// their statement on (hvp_program.hpp, intermediate_source.hpp) — it builds two programs:
//   nested:      record outer { watch xs; record inner { watch xs; <forward>; L }
//                               g = inner.gradient(L, xs, unconnected=zero);
//                               p = Σ_i sum(g_i · u_i) }
//                hvp = outer.gradient(p, xs)                  hvp_j = (H u)_j
//   first_order: record t { watch xs; <forward>; L }  g = t.gradient(L, xs, unconnected=zero)
//                on the graph promoted to f64
// with u a fixed random direction per source. For each source x_j and a few random directions
// w of x_j, the engine's wᵀ(H u)_j is compared with d/dt <g(x + t·w e_j), u> at t = 0, taken
// by Ridders' extrapolation (oracles/finite_difference.hpp) of the engine's first-order
// program run at perturbed inputs. Both sides are the same number wᵀ H u if the engine's
// backward pass is itself correctly differentiated.
//
// The forward part is every statement before statement k, with tape statements stripped
// (record and stop_recording blocks inlined, watches and earlier gradients dropped): the
// oracle checks the loss as a function with every op recorded; which ops a tape records is the
// connectivity oracle's business. When the target reads an earlier gradient's result (the
// statement is itself second order), the forward part keeps the graph's tape statements
// before it instead (hvp_program.hpp): the engine computes that gradient, and the oracle's
// tapes differentiate through it. A None Hessian-vector product is a structural zero (the
// gradient does not depend on the source); it is compared as zeros.
//
// stop_gradient: the nested tapes hold its result constant although its value moves with the
// sources, so the finite differences hold it at its base value too (it becomes an input of
// the first-order program) — at top level, inside the graph's tape blocks and inside a cond's
// taken branch; inside a while_loop it has one value per iteration and cannot be hoisted:
// inconclusive. Which ops are so held is read from the op table (no differentiable input, no
// kink); one whose operands do not move with the sources, or whose result is not floating,
// needs no holding.
//
// Kinks: a stencil point whose branch signature (evaluate<double>, record_branches) differs
// from the base point's, where the engine raises, or where the gradient is not finite is not
// used; with no usable stencil above the kink radius the direction is inconclusive, never a
// mismatch. Error model: docs/oracles_connectivity.md, "Second order".
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"
#include "oracles/hvp_program.hpp"

namespace tc::oracles {

struct SecondOrderOptions {
  int directions = 2;          // random w per source
  std::uint64_t seed = 0;      // u and w
  // Screening: before its tableaux, each direction gets three central differences at h/2, h/4,
  // h/8 and two Richardson steps (second_order.cpp, screen_agrees); where their measured error
  // is within screen_resolution of the direction's size (or at the tableaux' rounding floor)
  // and the nested tapes agree, the direction is settled in 6 runs. Otherwise Ridders' tableaux
  // decide; only they can report a mismatch.
  bool screen = true;
  double screen_resolution = 1e-9;  // relative to max(|estimate|, the direction's terms)
  double ridders_step = 0.02;  // first step of the tableaux, relative to max(|x_j|, 1)
  double shrink = 1.4;
  int levels = 8;
  int starts = 4;
};

// One finding (oracle "second_order") per source of statement `gradient`. Runs `engine` on
// the nested program once and on the first-order program at every stencil point.
std::vector<Finding> check_second_order(eut::EngineUnderTest& engine, const graph::Graph& g,
                                        const eut::InputValues& inputs, int gradient = 0,
                                        const SecondOrderOptions& options = {});

}  // namespace tc::oracles
