// The finite-difference oracle: central differences refined by Ridders' extrapolation, with an
// error estimate per entry, kink-aware (a stencil point whose branch signature differs from
// the base point's is never used), always evaluated in f64 on the graph promoted, whatever
// dtype the engine ran in. docs/oracles.md explains the method and its error model.
//
// Two layers:
//   - the numeric core, on a scalar function φ(t) = f(x0 + t·u) given as a callback that also
//     says whether a point is usable (same signature, finite): ridders_derivative() and
//     ridders_tableau(). The second-order oracle reuses it.
//   - check_finite_differences(): the oracle on a graph and an engine's RunResult.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/finding.hpp"
#include "oracles/comparison.hpp"
#include "oracles/objective.hpp"

namespace tc::oracles {

// --- numeric core ---------------------------------------------------------------------------

// φ at one offset t from the base point.
struct Sample {
  double value = 0;
  bool usable = false;  // finite and on the base point's side of every kink
  double offset = 0;    // the offset actually taken (t after rounding x0 + t); 0 = use t
};
using ScalarFunction = std::function<Sample(double t)>;

struct RiddersOptions {
  double h_start = 0.02;   // the first (largest) step, absolute
  double h_floor = 1e-13;  // the smallest step searched for a usable stencil (the kink radius)
  double shrink = 1.4;     // step ratio between tableau levels
  int levels = 8;          // the largest tableau
  double safe = 2.0;       // stop a tableau when its error grows by this factor (after 4 levels)
  int starts = 4;          // independent tableaux, from h_start, h_start/8, h_start/64, ...
  double start_ratio = 8;  // step ratio between the starts
  double noise = 0;        // absolute uncertainty of one value of φ (its rounding)
};

enum class Stencil : std::uint8_t { none, central, forward, backward, screen };
const char* stencil_name(Stencil);

struct DerivativeEstimate {
  double value = 0;
  double error = std::numeric_limits<double>::infinity();  // estimate of |value - φ'(0)|
  Stencil stencil = Stencil::none;  // none: no usable stencil (a kink within h_floor)
  double h = 0;                     // the first step of the tableau the value came from
  int evaluations = 0;              // calls of φ
  // False where the two tableaux the value came from contradict each other — their distance
  // beyond the sum of their own errors and beyond the value itself, so that neither its size
  // nor its sign is known: the steps do not resolve φ at 0 (steps_resolve_point).
  bool settled = true;
  bool ok() const { return stencil != Stencil::none; }
};

// One Ridders tableau from step `h` down by `shrink`: central differences (error series in
// h², extrapolated with factors shrink², shrink⁴, ...) or one-sided ones (forward: t > 0,
// backward: t < 0; series in h, factors shrink, shrink², ...). Stops at the first unusable
// point. The estimate is the extrapolation whose error (its distance to its two parents) is
// smallest, never below the rounding floor noise/h. Needs two usable levels; else !ok().
DerivativeEstimate ridders_tableau(const ScalarFunction& phi, double phi0, Stencil stencil, double h,
                                   const RiddersOptions& opt);

// Tableaux from `starts` first steps h, h/start_ratio, ... (disjoint step ranges). A single
// tableau can be fooled — at steps larger than the scale the function varies on, garbage
// extrapolations may agree by chance — so the estimate must be confirmed by the next start:
// of each two consecutive usable tableaux the error is max(their errors, their distance), and
// the pair with the smallest such error gives the value (its member with the smaller error).
// A pair that a finer tableau contradicts (their distance beyond twice their errors) does not
// compete: two coarse tableaux can agree on a plateau the function reaches far from the point
// (soak graph 408170: φ(t) ~ t·exp(-t²), flat 0 at steps ~15, slope 2.24 at steps ~0.2).
// A lone usable tableau gives its own.
DerivativeEstimate ridders_multi_start(const ScalarFunction& phi, double phi0, Stencil stencil, double h,
                                       const RiddersOptions& opt);

// φ'(0), kink-aware: the largest usable central step from h_start down (halving) to h_floor
// starts ridders_multi_start; if a kink forced it below h_start / 16, one-sided estimates from
// the larger steps usable on one side compete with it and the smallest error wins. No usable
// central step above h_floor (a kink within the kink radius): !ok(), the entry is inconclusive.
DerivativeEstimate ridders_derivative(const ScalarFunction& phi, double phi0, const RiddersOptions& opt);

// Whether the steps an estimate came from resolve φ at 0: a difference tableau reads φ(±h) (or
// φ(0) and φ(h)), and where φ varies on a scale below every step its tableaux can agree on a
// derivative φ does not have — next to a pole, exp(1/δ − c) peaks over a width far below the
// smallest step, every sample beside it underflows to 0, and two tableaux confirm each other's
// 0 ± 0. In the Taylor regime the second difference S(h) = φ(h) + φ(−h) − 2φ(0) (one-sided:
// φ(±2h) − 2φ(±h) + φ(0)) is f''h² + O(h⁴) and shrinks 64-fold from the estimate's first step h
// to h/8; beside a narrow peak it is −2φ(0) at both; beside a cone's tip closer than every step
// (reduce_std of f32 subnormals 2.4e-39 apart: soak graph 152076) φ is ~c·|t| over the steps and
// S shrinks only 8-fold, while the central differences give 0 for a slope ±c. Resolved:
// |S(h/8)| ≤ |S(h)|/16 + 4·noise — between the 64-fold shrink of the Taylor regime and the
// 8-fold of a cone — at every 8-fold step down from h while S stands above 64·noise (a step
// whose samples are unusable, a kink between them, says nothing; the next usable pair does).
// A pole 4e-9 from the point (soak seed 17 graph 30705: 1/(1/(1/v − 30.89) − 638.24) at
// v = 0.03237) is as invisible from h = 0.02 as from 0.0025, where both S see the function's
// envelope (an estimate of −4691 ± 1479 for a true −3.39e8); it shows as an S that stops
// shrinking once the steps come within a few thousand times its distance. A few evaluations
// of φ per level: the oracles ask only before they report a mismatch, which a tableau that
// does not resolve φ cannot support. Nor can two tableaux that contradict each other
// (!est.settled): beside a pole, cos(1/v + 210.25) at v = −0.0048 turns a radian every 2.3e-5
// while the f32 kink radius keeps the steps above ~1e-4, and tableaux from 0.005 and 0.000625
// gave −2.3e7 ± 1.3e7 and 2.8e7 ± 1.6e7 for a true −8.7e8 (soak graph 479193): not resolved,
// without evaluating S.
bool steps_resolve_point(const ScalarFunction& phi, double phi0, const DerivativeEstimate& est, double noise);

// Whether central differences below the tableaux' floor — steps 2^-12 and 2^-16 of the
// estimate's first step, each only where its rounding 2·noise/h is below half the gap between
// `engine` and the estimate — lie nearer `engine` than the estimate: then the tableaux did not
// resolve φ (the kink radius keeps f32 steps above ~1e-4 of the scale). The gradient of
// cos(1/v + 210.25) at v = -0.0048 turns a radian every 2.3e-5, and tableaux from 0.005 gave
// 1.4e5 ± 3.9e6 where the nested tapes' 1.7e11 is right (soak graph 479193). Where φ is smooth
// the finer differences find the estimate and a wrong engine keeps its mismatch. Asked only
// before a mismatch, as steps_resolve_point.
bool finer_steps_side_with(const ScalarFunction& phi, const DerivativeEstimate& est, double engine, double noise);

// φ'(0+) (side forward) or φ'(0-) (backward): the largest usable step on that side from
// h_start down (halving) to h_floor starts ridders_multi_start. !ok() if there is none. For a
// point on a kink, where a central stencil has no usable step (oracles/profile_kinks.hpp).
DerivativeEstimate ridders_one_sided(const ScalarFunction& phi, double phi0, Stencil side, const RiddersOptions& opt);

// The tableaux of an oracle whose options carry ridders_step, shrink, levels and starts
// (FdOptions, SecondOrderOptions), at a point of scale `scale` (max(|x|, 1)): steps from
// ridders_step·scale down to the kink radius·scale, `noise` the rounding of one value of φ.
template <class Options>
RiddersOptions ridders_options(const Options& opt, double scale, double kink_radius, double noise) {
  RiddersOptions ro;
  ro.h_start = opt.ridders_step * scale;
  ro.h_floor = kink_radius * scale;
  ro.shrink = opt.shrink;
  ro.levels = opt.levels;
  ro.starts = opt.starts;
  ro.noise = noise;
  return ro;
}

// --- the oracle -----------------------------------------------------------------------------

struct FdOptions {
  enum class Mode : std::uint8_t {
    full,        // every element of every source: the whole gradient
    projection,  // <g, u> for a few random directions u per source (large inputs)
  };
  Mode mode = Mode::full;
  int directions = 2;            // projection mode
  std::uint64_t seed = 0;        // projection directions
  int threads = 0;               // OpenMP threads; 0 = the OpenMP default
  // Screening: a single central difference at a small step decides agreement when the engine
  // already agrees with it within the tolerance model (relative resolution below); otherwise
  // the full Ridders tableau decides. Only Ridders can report a mismatch.
  // The screen's truncation error is not estimated: it is allowed `screen_resolution` times
  // the source's largest gradient entry (normwise), and the screen is trusted only where its
  // rounding bound is below that too. So FD resolves errors down to ~1e-6 of the largest entry;
  // complex step and forward mode resolve 1e-12.
  bool screen = true;
  double screen_step = 1e-6;        // relative step
  double screen_resolution = 1e-7;  // relative to max(|d_j|, max_j |d_j|)
  double ridders_step = 0.02;       // relative first step of the tableaux
  double shrink = 1.4;
  int levels = 8;
  int starts = 4;
  std::uint64_t probe_seed = 0x726f756e64ULL;  // the rounding probe (f32 engines): tolerance.hpp
  // The engine's semantics (which values it holds constant: tape_analysis.hpp); null: TF's.
  const eut::SemanticsProfile* semantics = nullptr;
};

// One finding per (Gradient statement, source), statements in execution order. Needs the
// engine's RunResult for the same graph and inputs. Sources that are not graph inputs, None
// results, second-order statements: not_applicable with the reason. Deterministic: identical
// findings for any thread count and rerun.
std::vector<Finding> check_finite_differences(const graph::Graph& g, const eut::InputValues& inputs,
                                              const eut::RunResult& engine_result,
                                              const FdOptions& options = {});

// The same with the objectives prepared once for the graph and inputs (objective.hpp); their
// semantics profile is the one used, options.semantics is not read.
std::vector<Finding> check_finite_differences(const PreparedObjectives& prepared, const eut::RunResult& engine_result,
                                              const FdOptions& options = {});

// Many graphs, in parallel across graphs (options.threads of them; each graph single-threaded),
// findings in case order (objective.hpp, OracleCase).
std::vector<std::vector<Finding>> check_finite_differences(const std::vector<OracleCase>& cases,
                                                           const FdOptions& options = {});

}  // namespace tc::oracles
