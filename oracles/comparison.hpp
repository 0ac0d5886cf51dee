// Comparing an oracle's references with the engine under test's gradient, and summing the
// comparisons up as findings: which engine gradient to compare (or why nothing can be), the
// entries of one statement (elements, or random directions), kink detection, the summary of
// a source's entries, and running a check over many graphs.
#pragma once
#include <omp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eut/engine_under_test.hpp"
#include "oracles/finding.hpp"
#include "oracles/objective.hpp"

namespace tc::oracles {

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

// The worst of `entries`: the largest error relative to its own tolerance, a mismatch before
// any agreement, NaN worst; -1 if no entry was judged.
std::int64_t worst_entry(const std::vector<EntryCheck>& entries);

// The finding of one source from its entries, in entry order (deterministic), with the entries
// as its evidence. `what` names an entry in sentences ("element", "direction"); `flat_index`
// says whether the worst entry's index is an element index (reported as worst_entry) or not (-1).
Finding summarize(const Objective& o, std::size_t source, const char* oracle,
                  const std::vector<EntryCheck>& entries, const char* what, bool flat_index);

// TF lets a NaN of a where's untaken branch leak into the gradient (documented): an engine
// value that is not finite, on a graph with a where, is no evidence of a wrong gradient; nor
// is one at a point on a kink whose derivative the engine's profile says is NaN
// (Objective::nan_at_kink), or one in a graph with a value subnormal for its dtype, whose
// reciprocal no engine in that dtype can hold (Objective::subnormal). In those cases marks `c` inconclusive and
// returns true; otherwise leaves it alone.
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

// --- kinks -----------------------------------------------------------------------------------

bool same_branches(const Branches& a, const Branches& b);

// What lies within `delta` of the base point along a line in one source — element `index`
// (direction null) or `direction`: `branch` where f at ±delta takes a different branch
// somewhere, or where one lies within the engine's rounding of the point in another direction
// (kink_within_rounding, at kink_radius) — a kink the op table records, whose rule an engine
// may declare; `edge` where f only fails or is not finite on a side (the edge of an op's
// domain: pow(a, 1.5) at a = 0, NaN below it), where no row states a rule and the complex
// step (a^1.5 is not analytic at 0) and one-sided slopes may both be off; `none` otherwise.
// The runner is left at the base point.
enum class NearKink { none, branch, edge };
NearKink near_kink(const Objective& o, ObjectiveRunner<double>& runner, std::size_t source,
                   std::int64_t index, const std::vector<double>* direction, double delta);

// Whether a kink lies within the engine's rounding of the base point in any direction: f's
// branch signature at `draws` points with every floating input element x_i of the prepared
// graph moved by ±radius·max(|x_i|, 1) at once (seeded random signs). The engine rounds every
// value, not one source element at a time: a kink the line of one element does not reach
// within `radius` (softmax's output moves little with any one input) is crossed when all of
// its inputs' roundings add up, and the engine's derivative may then be the other side's.
// A kink the point lies on (one that flips also when the inputs move by 16 ulp) does not count:
// the entries whose lines cross it are inconclusive or judged by the engine's profile already.
bool kink_within_rounding(const Objective& o, double radius, std::uint64_t seed, int draws = 8);
// The same for any graph evaluated `at` (every input), whose signature there is `branches`.
bool kink_within_rounding(const graph::Graph& g, const std::map<std::string, std::vector<double>>& at,
                          const Branches& branches, double radius, std::uint64_t seed, int draws = 8);

// --- random directions -----------------------------------------------------------------------

// Direction entries ±[0.5, 1): random signs and sizes, never near zero, so every element of
// the source weighs in every direction.
std::vector<double> random_direction(std::size_t n, std::uint64_t seed);

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

}  // namespace tc::oracles
