#include "campaign/annotations.hpp"

#include <exception>

#include "campaign/fault_path.hpp"
#include "engine/core/format.hpp"
#include "graph/ir_util.hpp"

namespace tc::campaign {

namespace {

// Enough to recognise a value at a glance; the .tcg and a replay give the rest.
constexpr std::size_t kShownElements = 4;

const oracles::Finding* first_mismatch(const oracles::CheckReport& r, const std::string& oracle) {
  for (const oracles::Finding& f : r.findings)
    if (f.outcome == oracles::Outcome::mismatch && (oracle.empty() || f.oracle == oracle)) return &f;
  return nullptr;
}

}  // namespace

std::string value_text(const eut::Value& v) {
  std::string s = std::string(dtype_name(v.dtype)) + v.shape.str();
  for (std::size_t i = 0; i < v.data.size() && i < kShownElements; ++i) s += " " + format_number(v.data[i], 4);
  if (v.data.size() > kShownElements) s += " …";
  return s;
}

reports::GraphAnnotations annotate(const graph::Graph& g, const graph::Graph& shown, const oracles::CheckReport& report,
                                   eut::EngineUnderTest& engine, const oracles::CheckOptions& options) {
  reports::GraphAnnotations a;
  try {
    for (const auto& [name, value] : engine.run(shown, {}).values) a.node_values[name] = value_text(value);
  } catch (const std::exception&) {
    // An engine that throws has its error in the record already; the drawing goes without values.
  }
  const oracles::Finding* before = first_mismatch(report, "");
  if (!before || graph::structurally_equal(shown, g)) return a;
  const oracles::CheckReport again = oracles::check_graph(shown, engine, options);  // `after` points into it
  const oracles::Finding* after = first_mismatch(again, before->oracle);
  if (after && (after->target != before->target || after->source != before->source)) {
    a.minimal_target = after->target;
    a.minimal_source = after->source;
  }
  return a;
}

void annotate_fault_path(reports::FindingsLog& log, const graph::Graph& shown, eut::EngineUnderTest& engine,
                         const oracles::CheckOptions& options, std::chrono::steady_clock::time_point deadline) {
  if (log.graphs.empty()) return;
  const reports::GraphAnnotations& a = log.graphs.front().annotations;
  const reports::FindingRecord* first = nullptr;
  for (const reports::FindingRecord& r : log.findings)
    if (r.finding.outcome == oracles::Outcome::mismatch && oracles::is_numerical(r.finding) && !r.finding.source.empty()) {
      first = &r;
      break;
    }
  if (!first) return;
  const std::string target = a.minimal_target.empty() ? first->finding.target : a.minimal_target;
  const std::string source = a.minimal_source.empty() ? first->finding.source : a.minimal_source;
  const FaultPath path = fault_path(shown, target, source, engine, options, 24, deadline);
  if (path.values.empty()) return;
  const std::string original_target = first->finding.target, original_source = first->finding.source;
  for (reports::FindingRecord& r : log.findings)
    if (r.finding.outcome == oracles::Outcome::mismatch && oracles::is_numerical(r.finding) &&
        r.finding.target == original_target && r.finding.source == original_source)
      r.evidence.path = path.values;
}

}  // namespace tc::campaign
