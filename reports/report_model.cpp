#include "reports/report_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "graph/tcg.hpp"
#include "reports/graph_dot.hpp"

namespace tc::reports {

using oracles::Outcome;

namespace {

// The oracle whose mismatches are about None, not numbers (its prediction is connectivity).
constexpr const char* kConnectivity = "connectivity";

const std::vector<std::string>& known_oracles() {
  static const std::vector<std::string> v = {kConnectivity, "finite_difference", "complex_step", "forward_mode",
                                             "second_order"};
  return v;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_file_path(const std::string& origin) {
  return ends_with(origin, ".tcg") && origin.find('\n') == std::string::npos &&
         origin.rfind("generated", 0) != 0;
}

std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./:=+-,@%").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Severity: a smaller tuple is worse. NaN relative errors (non-finite values) count as worst.
auto severity(const FindingGroup& g) {
  const double err = std::isnan(g.worst_rel_error) ? HUGE_VAL : g.worst_rel_error;
  return std::make_tuple(static_cast<int>(g.kind), -err, -static_cast<long>(g.members.size()), g.signature());
}

double rel_error_for_sorting(const FindingRecord& f) {
  return std::isnan(f.finding.max_rel_error) ? HUGE_VAL : f.finding.max_rel_error;
}

}  // namespace

// --- accessors --------------------------------------------------------------------------------

const EntryValues* entry_values(const FindingRecord& f) {
  return f.evidence.entries ? &*f.evidence.entries : nullptr;
}
const StepSweep* step_sweep(const FindingRecord& f) { return f.evidence.sweep ? &*f.evidence.sweep : nullptr; }
const CutNode* predicted_cut(const FindingRecord& f) { return f.evidence.cut ? &*f.evidence.cut : nullptr; }
const std::vector<std::string>& culprit_path(const FindingRecord& f) { return f.evidence.path; }
const std::string& saved_tcg_file(const GraphRecord& g) { return g.annotations.tcg_file; }
const std::map<std::string, std::string>& node_values(const GraphRecord& g) { return g.annotations.node_values; }
const std::string& minimal_target(const GraphRecord& g) { return g.annotations.minimal_target; }
const std::string& minimal_source(const GraphRecord& g) { return g.annotations.minimal_source; }
const std::vector<MutantInfo>& mutants(const FindingsLog& log) { return log.campaign_info.mutants; }

std::vector<CampaignRun> campaign_runs(const FindingsLog& log) {
  if (!log.campaign_info.runs.empty()) return log.campaign_info.runs;
  std::vector<CampaignRun> runs;
  std::map<std::string, std::size_t> index;
  for (const GraphRecord& g : log.graphs) {
    auto [it, fresh] = index.emplace(g.engine, runs.size());
    if (fresh) {
      CampaignRun r;
      r.engine = g.engine;
      r.seed = g.seed;
      r.first_graph = g.id;
      runs.push_back(r);
    }
    ++runs[it->second].graphs;
  }
  return runs;
}

// --- reproducing ------------------------------------------------------------------------------

const std::string& shown_tcg(const GraphRecord& g) { return g.minimal_tcg.empty() ? g.tcg : g.minimal_tcg; }

std::string replay_file(const GraphRecord& g) {
  if (!saved_tcg_file(g).empty()) return saved_tcg_file(g);
  if (g.minimal_tcg.empty() && is_file_path(g.origin)) return g.origin;
  return "graph-" + std::to_string(g.id) + (g.minimal_tcg.empty() ? ".tcg" : ".min.tcg");
}

std::string reproduce_command(const GraphRecord& g) {
  return "tapecheck replay --engine " + shell_word(g.engine) + " " + shell_word(replay_file(g)) + " --seed " +
         std::to_string(g.seed);
}

ShownResult shown_result(const graph::Graph& shown, const GraphRecord& g, const FindingRecord& f) {
  if (!g.minimal_tcg.empty() && !minimal_target(g).empty()) return {minimal_target(g), minimal_source(g)};
  if (defines_value(shown, f.finding.target) && (f.finding.source.empty() || defines_value(shown, f.finding.source)))
    return {f.finding.target, f.finding.source};
  const auto pairs = gradient_pairs(shown);
  if (pairs.size() == 1) return {pairs[0].first, pairs[0].second};
  return {f.finding.target, f.finding.source};
}

// --- groups -----------------------------------------------------------------------------------

namespace {

struct KindText {
  const char* name;   // filters and URLs
  const char* title;  // people
};
// In FindingKind order.
constexpr KindText kKindText[] = {{"wrong_value", "wrong value"},
                                  {"unexpected_none", "None where a value is due"},
                                  {"unexpected_value", "a value where None is due"}};

}  // namespace

const char* kind_name(FindingKind k) { return kKindText[static_cast<int>(k)].name; }
const char* kind_title(FindingKind k) { return kKindText[static_cast<int>(k)].title; }

std::string FindingGroup::signature() const {
  std::string path;
  for (const std::string& op : op_path) path += (path.empty() ? "" : " → ") + op;
  return std::string(kind_title(kind)) + " · " + oracle + " · " + (path.empty() ? "(no op)" : path);
}

namespace {

std::optional<graph::Graph> parse_shown(const GraphRecord& g) {
  try {
    return graph::parse_tcg_syntax(shown_tcg(g));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// `parsed`: shown_tcg(g) parsed, or null when it does not parse.
std::vector<std::string> path_ops(const graph::Graph* parsed, const GraphRecord& g, const FindingRecord& f) {
  if (!parsed) return g.ops;
  const ShownResult names = shown_result(*parsed, g, f);
  const ValuePath p = path_between(*parsed, names.source, names.target);
  return p.found ? p.ops : ops_used(*parsed);
}

}  // namespace

std::vector<std::string> op_path(const GraphRecord& g, const FindingRecord& f) {
  const std::optional<graph::Graph> parsed = parse_shown(g);
  return path_ops(parsed ? &*parsed : nullptr, g, f);
}

std::vector<FindingGroup> group_findings(const FindingsLog& log) {
  using Key = std::tuple<int, std::string, std::vector<std::string>>;
  std::map<Key, FindingGroup> groups;
  // Findings come grouped by graph: each graph is parsed once, for all of its mismatches.
  std::size_t i = 0;
  while (i < log.findings.size()) {
    const int graph_id = log.findings[i].graph;
    std::size_t end = i;
    while (end < log.findings.size() && log.findings[end].graph == graph_id) ++end;
    if (graph_id < 0 || static_cast<std::size_t>(graph_id) >= log.graphs.size()) {
      i = end;
      continue;
    }
    const GraphRecord& g = log.graphs[static_cast<std::size_t>(graph_id)];
    std::optional<graph::Graph> parsed;
    bool parse_tried = false;
    for (; i < end; ++i) {
      const FindingRecord& f = log.findings[i];
      if (f.finding.outcome != Outcome::mismatch) continue;
      GroupMember m{&g, &f, nullptr};
      for (const oracles::SourceVerdict& s : g.sources)
        if (s.gradient == f.finding.gradient && s.source == f.finding.source && s.target == f.finding.target)
          m.source = &s;
      FindingKind kind = FindingKind::wrong_value;
      if (f.finding.oracle == kConnectivity)
        kind = m.source && m.source->engine_value == "None" ? FindingKind::unexpected_none
                                                             : FindingKind::unexpected_value;
      if (!parse_tried) {
        parse_tried = true;
        parsed = parse_shown(g);
      }
      const std::vector<std::string> ops = path_ops(parsed ? &*parsed : nullptr, g, f);
      FindingGroup& group = groups[Key{static_cast<int>(kind), f.finding.oracle, ops}];
      if (group.members.empty()) {
        group.kind = kind;
        group.oracle = f.finding.oracle;
        group.op_path = ops;
      }
      group.members.push_back(m);
    }
  }

  std::vector<FindingGroup> out;
  out.reserve(groups.size());
  for (auto& [key, group] : groups) {
    std::set<std::string> engines;
    bool nan = false;
    for (const GroupMember& m : group.members) {
      engines.insert(m.graph->engine);
      nan = nan || std::isnan(m.record->finding.max_rel_error);
      if (!nan) group.worst_rel_error = std::max(group.worst_rel_error, m.record->finding.max_rel_error);
    }
    if (nan) group.worst_rel_error = std::nan("");
    group.engines.assign(engines.begin(), engines.end());
    // The representative: the smallest graph to read (ties: the first). The rest: worst first.
    auto smallest = std::min_element(group.members.begin(), group.members.end(),
                                     [](const GroupMember& a, const GroupMember& b) {
                                       return std::make_pair(shown_tcg(*a.graph).size(), a.graph->id) <
                                              std::make_pair(shown_tcg(*b.graph).size(), b.graph->id);
                                     });
    std::iter_swap(group.members.begin(), smallest);
    std::stable_sort(group.members.begin() + 1, group.members.end(), [](const GroupMember& a, const GroupMember& b) {
      return rel_error_for_sorting(*a.record) > rel_error_for_sorting(*b.record);
    });
    out.push_back(std::move(group));
  }
  std::sort(out.begin(), out.end(),
            [](const FindingGroup& a, const FindingGroup& b) { return severity(a) < severity(b); });
  return out;
}

// --- summary numbers ---------------------------------------------------------------------------

std::vector<std::string> oracle_order(const FindingsLog& log) {
  std::set<std::string> seen;
  for (const FindingRecord& f : log.findings) seen.insert(f.finding.oracle);
  for (const auto& [oracle, outcomes] : log.omitted.per_oracle) seen.insert(oracle);
  for (const GraphRecord& g : log.graphs) seen.insert(g.oracles_run.begin(), g.oracles_run.end());
  std::vector<std::string> out;
  for (const std::string& o : known_oracles())
    if (seen.erase(o)) out.push_back(o);
  out.insert(out.end(), seen.begin(), seen.end());
  return out;
}

std::string inconclusive_reason(const FindingRecord& f) {
  if (!f.evidence.reason.empty()) return f.evidence.reason;
  // Numbers differ from finding to finding; names like g0, v12 or f64 are kept whole.
  const std::string& d = f.finding.detail;
  std::string out;
  for (std::size_t i = 0; i < d.size();) {
    const unsigned char c = static_cast<unsigned char>(d[i]);
    const bool word_before =
        i > 0 && (std::isalnum(static_cast<unsigned char>(d[i - 1])) || d[i - 1] == '_' || d[i - 1] == '.');
    if (std::isdigit(c) && !word_before) {
      while (i < d.size() && (std::isdigit(static_cast<unsigned char>(d[i])) || d[i] == '.' ||
                              ((d[i] == 'e' || d[i] == 'E') && i + 1 < d.size() &&
                               (std::isdigit(static_cast<unsigned char>(d[i + 1])) || d[i + 1] == '-' || d[i + 1] == '+')) ||
                              ((d[i] == '-' || d[i] == '+') && (d[i - 1] == 'e' || d[i - 1] == 'E'))))
        ++i;
      out += '#';
      continue;
    }
    out += d[i++];
  }
  return out;
}

std::vector<ReasonCount> inconclusive_reasons(const FindingsLog& log) {
  std::map<std::pair<std::string, std::string>, ReasonCount> counts;
  for (const FindingRecord& f : log.findings) {
    if (f.finding.outcome != Outcome::inconclusive) continue;
    const std::string reason = inconclusive_reason(f);
    ReasonCount& c = counts[{f.finding.oracle, reason}];
    if (c.count++ == 0) {
      c.oracle = f.finding.oracle;
      c.reason = reason;
      c.example_graph = f.graph;
    }
  }
  std::vector<ReasonCount> out;
  for (auto& [key, c] : counts) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const ReasonCount& a, const ReasonCount& b) { return a.count > b.count; });
  return out;
}

bool shows_sensitivity(const FindingsLog& log) {
  if (!mutants(log).empty()) return true;
  for (const GraphRecord& g : log.graphs)
    if (g.engine != log.graphs.front().engine) return true;
  return false;
}

SensitivityMatrix sensitivity(const FindingsLog& log) {
  SensitivityMatrix m;
  m.oracles = oracle_order(log);
  std::map<std::string, std::size_t> row_of;
  for (const MutantInfo& mu : mutants(log)) {
    if (row_of.count(mu.engine)) continue;
    row_of[mu.engine] = m.rows.size();
    m.rows.push_back({mu.engine, &mu, 0, {}, -1});
  }
  for (const GraphRecord& g : log.graphs) {
    auto [it, fresh] = row_of.emplace(g.engine, m.rows.size());
    if (fresh) m.rows.push_back({g.engine, nullptr, 0, {}, -1});
    ++m.rows[it->second].graphs;
  }
  std::set<std::pair<int, std::string>> counted;  // (graph, oracle)
  for (const FindingRecord& f : log.findings) {
    if (f.finding.outcome != Outcome::mismatch || f.graph < 0 ||
        static_cast<std::size_t>(f.graph) >= log.graphs.size())
      continue;
    if (!counted.insert({f.graph, f.finding.oracle}).second) continue;
    SensitivityRow& row = m.rows[row_of.at(log.graphs[static_cast<std::size_t>(f.graph)].engine)];
    ++row.caught[f.finding.oracle];
    if (row.first_caught < 0) row.first_caught = f.graph;
  }
  return m;
}

}  // namespace tc::reports
