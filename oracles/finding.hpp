// What every oracle reports: one Finding per (gradient statement, source, oracle). The
// findings log (JSON lines), `tapecheck replay`, the properties and the HTML report all read
// this one type.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tc::oracles {

enum class Outcome : std::uint8_t {
  agree,           // the engine's answer is within the oracle's tolerance / prediction
  mismatch,        // a real disagreement, beyond the oracle's own error bound
  inconclusive,    // the oracle cannot judge (kink in every stencil, non-finite values ...)
  not_applicable,  // the oracle does not apply (complex step on a graph with erf, ...)
};
const char* outcome_name(Outcome);

// One compared entry (an element, or a direction in projection modes).
struct EntryCheck {
  enum class State : std::uint8_t { agree, mismatch, inconclusive } state = State::inconclusive;
  double engine = 0, reference = 0;  // the engine's number and the oracle's
  double error = 0;                  // the oracle's error estimate for `reference`
  double tolerance = 0;              // the allowance used
  const char* why = "";              // for inconclusive entries, and mismatches at a kink: a short reason
  const char* reason = "";           // the same as a code a report groups by: "kink", "non_finite", "scale", "rounding"
};

// What an outcome rests on, for a person to look at (the HTML report draws it; the findings
// log writes it as "evidence", docs/report.md). Each part is empty where it does not apply.
struct Evidence {
  // A numerical oracle's entries, in entry order: the elements of the gradient (`shape`) or
  // random directions (`directions`, shape {n}).
  std::vector<EntryCheck> entries;
  bool directions = false;
  std::vector<std::int64_t> shape;
  // Finite differences, a mismatch: the worst entry's plain central difference at each step
  // the oracle evaluated, and the estimate Ridders' extrapolation made of them.
  struct Step {
    double h = 0, difference = 0;
  };
  struct StepSweep {
    std::int64_t entry = 0;  // position among `entries`
    std::vector<Step> steps;
    double chosen_h = 0, estimate = 0, error = 0;  // DerivativeEstimate::{h, value, error}
  };
  std::optional<StepSweep> sweep;
  // Connectivity, a predicted None: where the path is cut nearest the target (R13), or the
  // source itself when it is not watched (input -1).
  struct Cut {
    std::string node, op;
    int input = -1;
    std::string rule;  // the vocabulary's words: "stop_gradient", "not watched", ...
  };
  std::optional<Cut> cut;
  std::string reason;  // an inconclusive finding's reason as a code ("kink", "non_finite", "scale", "rounding")
};

struct Finding {
  std::string oracle;   // "finite_difference", "complex_step", "forward_mode", "connectivity",
                        // "second_order"
  int gradient = 0;     // index of the Gradient statement, in execution order
  std::string target;   // IR value names, with '%'
  std::string source;
  Outcome outcome = Outcome::agree;
  std::string detail;   // one sentence a person can act on
  Evidence evidence;    // what it rests on
  // Numbers behind the outcome (0 where they do not apply).
  double max_abs_error = 0, max_rel_error = 0, tolerance = 0;
  std::int64_t entries_checked = 0, entries_inconclusive = 0;
  std::int64_t worst_entry = -1;  // flat index of the worst element, -1 if none
  // Whether the finding compared the entries of the engine's value with numbers: a numerical
  // oracle's judged entries, or the connectivity oracle's exact zeros of unconnected=zero (R7).
  // A value's `agree` verdict needs such a finding (check_all.hpp). Not written to the log.
  bool compared_entries = false;
};

// True if no finding is a mismatch.
bool all_agree(const std::vector<Finding>& findings);

}  // namespace tc::oracles
