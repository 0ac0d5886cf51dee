// The oracles' evidence (oracles::Evidence, what an outcome rests on) as the data the HTML
// report reads (report_data.hpp). Kept apart so that the oracles know nothing of reports.
#pragma once
#include "oracles/finding.hpp"
#include "reports/report_data.hpp"

namespace tc::reports {

// What the report shows of `f`: the per-entry values of a mismatch (the report draws them only
// for wrong values, and an agreeing finding's entries would multiply a log's size), the step
// sweep, the predicted cut and the inconclusive reason code.
FindingEvidence evidence_of(const oracles::Finding& f);

}  // namespace tc::reports
