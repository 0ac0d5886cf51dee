// What every oracle reports: one Finding per (gradient statement, source, oracle). The
// findings log (JSON lines), `tapecheck replay`, the properties and the HTML report all read
// this one type.
#pragma once
#include <cstdint>
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

struct Finding {
  std::string oracle;   // "finite_difference", "complex_step", "forward_mode", "connectivity",
                        // "second_order"
  int gradient = 0;     // index of the Gradient statement, in execution order
  std::string target;   // IR value names, with '%'
  std::string source;
  Outcome outcome = Outcome::agree;
  std::string detail;   // one sentence a person can act on
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
