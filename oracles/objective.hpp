// The scalar function a numerical oracle differentiates for one Gradient statement, and the
// bookkeeping every such oracle shares (which engine gradient to compare, which entries of it,
// how per-entry comparisons become one Finding).
//
// For statement k — `tape.gradient(T, [s_1 .. s_m], output_gradients = v)` — the function is
//   f(s_1 .. s_m) = Σ_i v_i · T_i     (v = ones when absent; v held at its base value)
// as a function of the sources' values, every other input fixed. Its gradient with respect to
// s_j is exactly what the engine must return (R8). Three things make f the function the TAPE
// differentiates rather than the plain forward:
//   - earlier Gradient statements are dropped (the generic evaluator stops at the first one);
//     a target that uses an earlier gradient's result is second order: not_applicable here;
//   - values the tape treats as constants although they move with the sources — results of
//     ops outside the tape's recording, inside its stop_recording, of ops none of whose
//     differentiable operands the tape tracks, and of stop_gradient — are held at their base
//     values ("frozen"): the statement is removed and the value becomes an input of the
//     prepared graph. A frozen value inside cond/while_loop cannot be hoisted: not_applicable;
//   - sources must be graph inputs (evaluate() has no "override this intermediate value"
//     facility); an intermediate source is not_applicable for these oracles.
#pragma once
#include <omp.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/scalar.hpp"
#include "engine/ops/op_def.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir.hpp"
#include "oracles/evaluate.hpp"
#include "oracles/finding.hpp"
#include "oracles/tolerance.hpp"

namespace tc::oracles {

struct ObjectiveSource {
  std::string name;       // IR name, as in the Gradient statement
  TensorSpec spec;        // of the input
  std::string why_not;    // non-empty: this source cannot be perturbed (not an input ...)
};

struct Objective {
  int gradient = 0;                 // index of the Gradient statement, in execution order
  graph::Gradient statement;        // a copy of it
  std::string not_applicable;       // non-empty: nothing of this statement can be checked (why)

  graph::Graph graph;               // prepared: earlier gradients dropped, frozen values inputs
  std::map<std::string, std::vector<double>> base;  // every input of `graph`, f64
  std::vector<std::string> frozen;  // names of the values held at their base values
  std::vector<ObjectiveSource> sources;
  std::vector<double> cotangent;    // v, one per target element
  TensorSpec target_spec;

  double value = 0;                 // f at the base point
  double magnitude = 0;             // Σ |v_i T_i| at the base point
  Branches branches;                // the base point's branch signature

  ToleranceContext tolerance;
  std::string complex_ineligible;   // the first op without a complex extension, "" if none
  bool has_where = false;           // a where/select: NaN may leak into gradients (TF, documented)
};

// The number of Gradient statements of `g` (pre-order through record/stop_recording blocks,
// which is execution order unless a gradient sits inside cond/while_loop).
int count_gradient_statements(const graph::Graph& g);

// Prepares statement `gradient` of `g` at `inputs` (unlisted inputs take their Init).
// Never throws for a graph problem: `not_applicable` says why.
Objective make_objective(const graph::Graph& g, const eut::InputValues& inputs, int gradient);

// f and the magnitude of its terms at a point: for double Σ|v_i T_i|, for c128 Σ|v_i Im T_i|,
// for Dual Σ|v_i T_i'| (the terms of the derivative part).
template <class S>
struct ObjectiveValue {
  S value{};
  double magnitude = 0;
  Branches branches;  // with record_branches
};

// Evaluates f with `inputs` (every input of objective.graph, as from lift()). Throws tc::Error
// as evaluate() does.
template <class S>
ObjectiveValue<S> evaluate_objective(const Objective& o,
                                     const std::map<std::string, std::vector<S>>& inputs,
                                     bool record_branches);

// The base point as inputs of scalar type S (zero imaginary part / tangent).
template <class S>
std::map<std::string, std::vector<S>> lift(const Objective& o);

// f evaluated many times — the oracles' hot loop. The prepared graph is compiled once
// (evaluate.hpp Evaluator) and its inputs hold the base point; callers move a source's
// buffer, run(), and put it back (restore()). One runner per thread; `o` must outlive it.
template <class S>
class ObjectiveRunner {
 public:
  explicit ObjectiveRunner(const Objective& o);
  // The input buffer of source `source` of the statement (a graph input).
  std::vector<S>& source(std::size_t source);
  // Puts source `source` back to the base point.
  void restore(std::size_t source);
  // f and the magnitude of its terms (as ObjectiveValue); throws tc::Error as evaluate().
  S run(bool record_branches, double* magnitude = nullptr);
  // Evaluator::largest_result() of the last run.
  double largest_result() const;
  // The branch signature of the last run (with record_branches).
  const Branches& branches() const;

 private:
  const Objective* o_;
  Evaluator<S> ev_;
  std::vector<std::size_t> source_input_;  // source -> input index (or npos)
  int target_ = -1;
};

bool same_branches(const Branches& a, const Branches& b);

// Whether a kink lies within `delta` of the base point along a line in one source — element
// `index` (direction null) or `direction` — i.e. whether f at ±delta takes a different branch
// somewhere (or fails, or is not finite). The runner is left at the base point.
bool near_kink(const Objective& o, ObjectiveRunner<double>& runner, std::size_t source,
               std::int64_t index, const std::vector<double>* direction, double delta);

// The engine's rounding, observed (a Monte-Carlo rounding analysis): for `directions` random
// directions u of each source, f's JVP on dual numbers is evaluated on the prepared graph and
// on `realizations` copies in which every floating op result is multiplied by its own
// (1 + δ), δ uniform in [-u_e, u_e] per element (u_e: the engine's unit roundoff) — rounding
// of every intermediate value, primal and tangent, at the engine's precision. Per source, with
// Δ = max |JVP_jittered - JVP| over directions and realizations, two scales of it:
//   relative[s] = Δ / max(sqrt(Σ_i (g_i u_i)²), |JVP| / sqrt(n))   (g: the engine's gradient;
//                 null: the JVP alone) — times an entry's magnitude, its rounding;
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
struct RoundingProbe {
  std::vector<double> relative, per_unit, cancelled;
  // The rounding the engine's number for `source` may carry: `magnitude` is the entry's (or
  // direction's) magnitude, `direction_norm` ‖u‖₂ of the direction (1 for an element).
  double observed(std::size_t source, double magnitude, double direction_norm) const;
};
RoundingProbe rounding_sensitivity(const Objective& o, const std::vector<const eut::Value*>& engine,
                                   std::uint64_t seed, int threads, int directions = 2,
                                   int realizations = 2);

// --- comparing with the engine ------------------------------------------------------------

// A finding for source `source` of `o` with the names filled in.
Finding make_finding(const Objective& o, std::size_t source, const char* oracle, Outcome outcome,
                     std::string detail);

// The engine's gradient for source `source`, or the finding that says why there is nothing to
// compare (statement not applicable, engine error, None, wrong shape, source not an input).
struct EngineGradient {
  const eut::Value* value = nullptr;
  std::optional<Finding> finding;
};
EngineGradient engine_gradient(const Objective& o, const eut::RunResult& engine_result,
                               std::size_t source, const char* oracle);

// One compared entry (an element, or a direction in projection modes).
struct EntryCheck {
  enum class State : std::uint8_t { agree, mismatch, inconclusive } state = State::inconclusive;
  double engine = 0, reference = 0;  // the engine's number and the oracle's
  double error = 0;                  // the oracle's error estimate for `reference`
  double tolerance = 0;              // the allowance used
  const char* why = "";              // for inconclusive entries: a short reason
};

// The finding of one source from its entries, in entry order (deterministic). `what` names an
// entry in sentences ("element", "direction"); `flat_index` says whether the worst entry's
// index is an element index (reported as worst_entry) or not (-1).
Finding summarize(const Objective& o, std::size_t source, const char* oracle,
                  const std::vector<EntryCheck>& entries, const char* what, bool flat_index);

// TF lets a NaN of a where's untaken branch leak into the gradient (documented): an engine
// value that is not finite, on a graph with a where, is no evidence of a wrong gradient. In
// that case marks `c` inconclusive and returns true; otherwise leaves it alone.
bool excuse_nan_leaked_by_where(const Objective& o, EntryCheck& c);

// --- the entries of one statement ---------------------------------------------------------

// One entry to compare: element `index` of source `source`, or its direction number `index`
// (projection modes).
struct EntryTask {
  std::size_t source = 0;
  std::int64_t index = 0;
};

// The engine's number for one entry — its element, or <g, u> summed in element order — and
// the magnitudes a tolerance scales with.
struct EngineEntry {
  double value = 0;
  double terms = 0;           // Σ|g_i u_i| (|g_j| for an element)
  double rms = 0;             // sqrt(Σ (g_i u_i)²) (|g_j| for an element)
  double direction_norm = 1;  // ‖u‖₂ (1 for an element)
};

// Random directions for the projection modes: `count` per source, drawn from `seed`; `salt`
// keeps one oracle's directions apart from another's, and the statement's index is added to
// it so that each statement draws its own.
struct DirectionDraw {
  int count = 0;
  std::uint64_t seed = 0, salt = 0;
};

// What an oracle compares for one statement, source by source, in a fixed order: the entries
// of source s are tasks[first[s]] .. tasks[first[s + 1] - 1]. A source with nothing to compare
// has no entries and its finding (engine_gradient's) in `early` instead.
struct EntryPlan {
  bool per_element = true;                      // entries are elements, else random directions
  std::vector<std::optional<Finding>> early;    // per source
  std::vector<const eut::Value*> engine;        // per source: its engine gradient, null if early
  std::vector<std::size_t> first;               // per source, and one past the last entry
  std::vector<EntryTask> tasks;                 // per entry
  std::vector<std::vector<double>> directions;  // per entry: u (projection modes only)
  std::vector<EngineEntry> engine_entries;      // per entry
};

// Every element of every source with an engine gradient (per_element), or `draw.count` random
// directions of each such source that has elements; with the engine's number for each.
EntryPlan plan_entries(const Objective& o, const eut::RunResult& engine_result, const char* oracle,
                       bool per_element, const DirectionDraw& draw = {});

// Each source's finding, in source order: its early one (moved out of `plan`), or the summary
// of its entries — checks[t] for entry t — as "element"s with flat indices or as "direction"s.
void append_source_findings(const Objective& o, EntryPlan& plan, const std::vector<EntryCheck>& checks,
                            const char* oracle, std::vector<Finding>& findings);

// OpenMP threads for an oracle's parallel passes: `requested`, or the OpenMP default for 0.
int threads_or_default(int requested);

// --- oracles that propagate the derivative through f (complex step, dual numbers) ----------

// One entry's reference as such an oracle computed it: exact but for the f64 rounding of the
// terms behind it, so its error estimate needs no step size.
struct PropagatedReference {
  bool evaluated = false;       // the evaluation ran and both numbers are finite
  double value = 0, terms = 0;  // the reference and Σ|terms| behind it
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
//    kink_radius, probed in parallel over `threads`): the derivative there is a convention;
//  - any other disagreement is a mismatch.
std::vector<EntryCheck> compare_propagated(const Objective& o, const EntryPlan& plan,
                                           const std::vector<PropagatedReference>& references,
                                           const RoundingProbe& rho, const char* not_evaluated,
                                           int threads);

// --- many graphs ----------------------------------------------------------------------------

// One graph to check: its inputs and the engine's RunResult for them (all outlive the call).
struct OracleCase {
  const graph::Graph* graph = nullptr;
  const eut::InputValues* inputs = nullptr;
  const eut::RunResult* result = nullptr;
};

// `check(case, threads)` for every case, cases in parallel over `threads` OpenMP threads (0 =
// the default), each case single-threaded inside; the findings in case order. Deterministic:
// a case's findings do not depend on which thread ran it.
template <class Check>
std::vector<std::vector<Finding>> check_cases(const std::vector<OracleCase>& cases, int threads, Check check) {
  std::vector<std::vector<Finding>> out(cases.size());
  const auto n = static_cast<std::int64_t>(cases.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads())
  for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = check(cases[static_cast<std::size_t>(i)], 1);
  return out;
}

// Rounding jitter: every floating op result %y named in `specs` becomes
// %y = mul(%y~raw, %~jit%y), with %~jit%y a new input (appended to `inputs`, of the spec's
// dtype and shape) of values 1 + δ, δ uniform in [-unit, unit] per element, drawn from `seed`
// and the name. Recurses into record, stop_recording, cond and while_loop bodies.
void jitter_block(graph::Block& block, const std::map<std::string, TensorSpec>& specs, double unit,
                  std::uint64_t seed, std::vector<graph::Input>& inputs);

// splitmix64: the seeded streams behind random directions (platform-independent).
std::uint64_t mix_seed(std::uint64_t x);
// Direction entries ±[0.5, 1): random signs and sizes, never near zero, so every element of
// the source weighs in every direction.
std::vector<double> random_direction(std::size_t n, std::uint64_t seed);

}  // namespace tc::oracles
