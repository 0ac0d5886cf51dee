// What the HTML report shows beyond the findings log's version-1 fields: the campaign's
// timing, mutant descriptions, and per finding the evidence behind the verdict (every entry's
// engine and oracle values, the finite-difference step sweep, the predicted cut, the path at
// fault). All optional: a log without them gives a report without those parts, saying what is
// missing. docs/report.md ("Data the report reads") gives the JSON keys a log carries them in.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tc::reports {

// One campaign's run: a log may hold several (the main job runs the reference engine, then
// an engine with an injected fault).
struct CampaignRun {
  std::string label;   // what a person calls it: "reference engine", "injected fault: ..."
  std::string engine;  // EngineUnderTest::name() it ran; "" for several (the graphs name theirs)
  std::uint64_t seed = 0;
  int threads = 0;                    // graphs checked at once; 0 unknown
  int first_graph = 0, graphs = 0;    // the graph ids [first_graph, first_graph + graphs) it checked
  std::optional<double> duration_s;   // wall-clock seconds; absent when unknown (interrupted)
};

// A mutant engine: the reference engine with one rule replaced (issue 11).
struct MutantInfo {
  std::string engine;       // its engine name, as graph records spell it
  std::string bug_class;    // "broadcast gradient not reduced", ...
  std::string description;  // one sentence
  std::string issue;        // the public issue it mirrors ("pytorch#1813"), "" if none
};

struct CampaignInfo {
  std::vector<CampaignRun> runs;
  std::vector<MutantInfo> mutants;
};

// Per graph.
struct GraphAnnotations {
  std::string tcg_file;  // where the campaign saved the graph a replay should read (the minimal
                         // one when there is one), relative to the log's directory; "" if none
  std::map<std::string, std::string> node_values;  // value name -> a short rendering ("f32[3] 0.5 …")
  // The minimal graph's names for the result its mismatch is about (the shrinker may rename
  // values); "" when there is no minimal graph or it keeps the original names.
  std::string minimal_target, minimal_source;
};

// Every entry a finding judged: elements of the gradient (finite differences and complex step
// on up to CheckOptions::per_element_limit source elements) or directions (beyond that, forward
// mode, second order), flat, row-major.
struct EntryValues {
  enum class Kind { element, direction };
  Kind kind = Kind::element;
  std::vector<std::int64_t> shape;  // of the gradient (elements); {n} for n directions
  std::vector<double> engine;       // the engine's value of each entry
  std::vector<double> oracle;       // the oracle's
  std::vector<double> oracle_error; // the oracle's error estimate per entry; empty if none
  std::vector<double> tolerance;    // the allowance per entry; empty: the finding's tolerance
  std::vector<std::int64_t> inconclusive;  // entries not judged (a kink, a non-finite value)
};

// The finite-difference oracle's steps for its worst entry: the plain central difference at
// each step h it evaluated, the step its estimate came from, and that estimate.
struct StepSweep {
  std::int64_t entry = 0;
  struct Point {
    double h = 0;
    double difference = 0;  // (f(x + h u) - f(x - h u)) / 2h
  };
  std::vector<Point> points;  // any order
  double chosen_h = 0;        // the first step of the tableau the estimate came from
  double estimate = 0;        // the extrapolated derivative
  double error = 0;           // its error estimate
};

// The connectivity oracle's predicted cut nearest the target (SEMANTICS R13).
struct CutNode {
  std::string node;   // the value the path is cut at
  std::string op;     // the op computing it
  int input = -1;     // the cut operand of that op, -1 if not an operand (a watch, a tape scope)
  std::string rule;   // "non-differentiable", "stop_gradient", "integer dtype", "untaken branch",
                      // "not recording", "not watched"
};

struct FindingEvidence {
  std::optional<EntryValues> entries;
  std::optional<StepSweep> sweep;
  std::optional<CutNode> cut;
  std::vector<std::string> path;  // the values on the path at fault, source to target; empty:
                                  // the report draws every path from source to target
  std::string reason;             // an inconclusive finding's reason as a short code ("kink",
                                  // "non_finite", "no_complex_extension", ...); "" if none
};

}  // namespace tc::reports
