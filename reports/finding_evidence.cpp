#include "reports/finding_evidence.hpp"

namespace tc::reports {

namespace {

EntryValues entry_values_of(const oracles::Evidence& e) {
  EntryValues v;
  v.kind = e.directions ? EntryValues::Kind::direction : EntryValues::Kind::element;
  v.shape = e.shape;
  for (std::size_t i = 0; i < e.entries.size(); ++i) {
    const oracles::EntryCheck& c = e.entries[i];
    v.engine.push_back(c.engine);
    v.oracle.push_back(c.reference);
    v.oracle_error.push_back(c.error);
    v.tolerance.push_back(c.tolerance);
    if (c.state == oracles::EntryCheck::State::inconclusive) v.inconclusive.push_back(static_cast<std::int64_t>(i));
  }
  return v;
}

}  // namespace

FindingEvidence evidence_of(const oracles::Finding& f) {
  const oracles::Evidence& e = f.evidence;
  FindingEvidence out;
  if (f.outcome == oracles::Outcome::mismatch && !e.entries.empty()) out.entries = entry_values_of(e);
  if (e.sweep) {
    StepSweep s;
    s.entry = e.sweep->entry;
    for (const oracles::Evidence::Step& p : e.sweep->steps) s.points.push_back({p.h, p.difference});
    s.chosen_h = e.sweep->chosen_h;
    s.estimate = e.sweep->estimate;
    s.error = e.sweep->error;
    out.sweep = std::move(s);
  }
  if (e.cut) out.cut = CutNode{e.cut->node, e.cut->op, e.cut->input, e.cut->rule};
  out.reason = e.reason;
  return out;
}

}  // namespace tc::reports
