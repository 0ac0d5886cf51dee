#include "reports/findings_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <utility>
#include <variant>

#include "graph/json.hpp"
#include "graph/tcg.hpp"
#include "reports/finding_evidence.hpp"

namespace tc::reports {

using nlohmann::json;

namespace {

// Non-finite doubles are the strings "nan", "inf", "-inf" (JSON has no spelling for them).
json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

void collect_ops(const graph::Block& block, std::set<std::string>& out) {
  for (const graph::Statement& s : block) {
    std::visit(
        [&](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, graph::OpStmt>) {
            out.insert(node.op);
          } else if constexpr (std::is_same_v<T, graph::Record> ||
                               std::is_same_v<T, graph::StopRecording>) {
            collect_ops(node.body, out);
          } else if constexpr (std::is_same_v<T, graph::Cond>) {
            collect_ops(node.then_body, out);
            collect_ops(node.else_body, out);
          } else if constexpr (std::is_same_v<T, graph::While>) {
            collect_ops(node.cond_body, out);
            collect_ops(node.body, out);
          }
        },
        s.node);
  }
}

json error_json(const std::optional<eut::RaisedError>& e) {
  if (!e) return nullptr;
  return {{"kind", eut::error_kind_name(e->kind)}, {"message", e->message}, {"line", e->at.line}, {"column", e->at.column}};
}

// --- the optional data of the HTML report (docs/report.md, "Data the report reads") ----------

json numbers(const std::vector<double>& v) {
  json out = json::array();
  for (double x : v) out.push_back(number(x));
  return out;
}

// Absent (null) when the evidence is empty, so that logs without it keep their bytes.
json evidence_json(const FindingEvidence& e) {
  json j = json::object();
  if (e.entries && e.entries->engine.size() <= kMaxLoggedEntries) {
    const EntryValues& v = *e.entries;
    json x = {{"kind", v.kind == EntryValues::Kind::element ? "element" : "direction"},
              {"shape", v.shape},
              {"engine", numbers(v.engine)},
              {"oracle", numbers(v.oracle)}};
    if (!v.oracle_error.empty()) x["oracle_error"] = numbers(v.oracle_error);
    if (!v.tolerance.empty()) x["tolerance"] = numbers(v.tolerance);
    if (!v.inconclusive.empty()) x["inconclusive"] = v.inconclusive;
    j["entries"] = std::move(x);
  }
  if (e.sweep) {
    json points = json::array();
    for (const StepSweep::Point& p : e.sweep->points) points.push_back({{"h", number(p.h)}, {"difference", number(p.difference)}});
    j["step_sweep"] = {{"entry", e.sweep->entry},
                       {"points", std::move(points)},
                       {"chosen_h", number(e.sweep->chosen_h)},
                       {"estimate", number(e.sweep->estimate)},
                       {"error", number(e.sweep->error)}};
  }
  if (e.cut) j["cut"] = {{"node", e.cut->node}, {"op", e.cut->op}, {"input", e.cut->input}, {"rule", e.cut->rule}};
  if (!e.path.empty()) j["path"] = e.path;
  if (!e.reason.empty()) j["reason"] = e.reason;
  return j.empty() ? json(nullptr) : j;
}

json annotations_json(const GraphAnnotations& a) {
  json j = json::object();
  if (!a.tcg_file.empty()) j["tcg_file"] = a.tcg_file;
  if (!a.node_values.empty()) j["node_values"] = a.node_values;
  if (!a.minimal_target.empty()) j["minimal_target"] = a.minimal_target;
  if (!a.minimal_source.empty()) j["minimal_source"] = a.minimal_source;
  return j.empty() ? json(nullptr) : j;
}

json run_json(const CampaignRun& r) {
  json j = {{"label", r.label},   {"engine", r.engine},           {"seed", r.seed},
            {"threads", r.threads}, {"first_graph", r.first_graph}, {"graphs", r.graphs}};
  if (r.duration_s) j["duration_s"] = number(*r.duration_s);
  return j;
}

json mutant_json(const MutantInfo& m) {
  return {{"engine", m.engine}, {"bug_class", m.bug_class}, {"description", m.description}, {"issue", m.issue}};
}

// --- reading ----------------------------------------------------------------------------------

// A problem in one record; the caller adds "<name>:<line>: ".
struct FieldError {
  std::string message;
};

const json& field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw FieldError{std::string("missing field \"") + key + "\""};
  return *it;
}

std::string get_string(const json& j, const char* key) {
  const json& v = field(j, key);
  if (!v.is_string()) throw FieldError{std::string("field \"") + key + "\" must be a string"};
  return v.get<std::string>();
}

std::string opt_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string()) throw FieldError{std::string("field \"") + key + "\" must be a string"};
  return it->get<std::string>();
}

std::int64_t get_int(const json& j, const char* key, std::int64_t fallback, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) throw FieldError{std::string("missing field \"") + key + "\""};
    return fallback;
  }
  if (!it->is_number_integer())
    throw FieldError{std::string("field \"") + key + "\" must be an integer"};
  return it->get<std::int64_t>();
}

// A number of field `key`: a JSON number, or "nan", "inf", "-inf".
double as_number(const json& v, const char* key) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
  }
  throw FieldError{std::string("field \"") + key + "\" must be a number (or \"nan\", \"inf\", \"-inf\")"};
}

double get_double(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  return as_number(*it, key);
}

// The array at `key` — empty when absent, unless `required` — each element read by `element`
// (which throws the FieldError it is given for a wrong one); `what` names the elements.
template <class T, class Element>
std::vector<T> array_field(const json& j, const char* key, bool required, const char* what, Element element) {
  std::vector<T> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw FieldError{std::string("missing field \"") + key + "\""};
    return out;
  }
  const FieldError wrong{std::string("field \"") + key + "\" must be an array of " + what};
  if (!it->is_array()) throw wrong;
  for (const json& v : *it) out.push_back(element(v, wrong));
  return out;
}

std::vector<std::string> string_list(const json& j, const char* key) {
  return array_field<std::string>(j, key, false, "strings", [](const json& v, const FieldError& wrong) {
    if (!v.is_string()) throw wrong;
    return v.get<std::string>();
  });
}

oracles::Verdict get_verdict(const json& j, const char* key) {
  const std::string s = get_string(j, key);
  if (auto v = oracles::verdict_from_name(s)) return *v;
  throw FieldError{std::string("field \"") + key + "\": unknown verdict \"" + s +
                   "\" (agree, mismatch, inconclusive, error_raised, unverified)"};
}

oracles::Outcome get_outcome(const json& j) {
  const std::string s = get_string(j, "outcome");
  for (oracles::Outcome o : {oracles::Outcome::agree, oracles::Outcome::mismatch,
                             oracles::Outcome::inconclusive, oracles::Outcome::not_applicable})
    if (s == oracles::outcome_name(o)) return o;
  throw FieldError{"field \"outcome\": unknown outcome \"" + s +
                   "\" (agree, mismatch, inconclusive, not_applicable)"};
}

// An optional member that must be an object when present; null when absent.
const json* opt_object(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  if (!it->is_object()) throw FieldError{std::string("field \"") + key + "\" must be an object"};
  return &*it;
}

std::vector<double> number_list(const json& j, const char* key, bool required) {
  return array_field<double>(j, key, required, "numbers", [key](const json& v, const FieldError&) { return as_number(v, key); });
}

std::vector<std::int64_t> int_list(const json& j, const char* key) {
  return array_field<std::int64_t>(j, key, false, "integers", [](const json& v, const FieldError& wrong) {
    if (!v.is_number_integer()) throw wrong;
    return v.get<std::int64_t>();
  });
}

// `what` names the enclosing object in messages: "evidence.entries".
template <class Read>
auto inside(const char* what, Read read) {
  try {
    return read();
  } catch (const FieldError& e) {
    throw FieldError{std::string(what) + ": " + e.message};
  }
}

EntryValues entries_from_json(const json& j) {
  return inside("evidence.entries", [&] {
    EntryValues v;
    const std::string kind = get_string(j, "kind");
    if (kind == "element") v.kind = EntryValues::Kind::element;
    else if (kind == "direction") v.kind = EntryValues::Kind::direction;
    else throw FieldError{"field \"kind\" must be \"element\" or \"direction\", not \"" + kind + "\""};
    v.shape = int_list(j, "shape");
    v.engine = number_list(j, "engine", true);
    v.oracle = number_list(j, "oracle", true);
    v.oracle_error = number_list(j, "oracle_error", false);
    v.tolerance = number_list(j, "tolerance", false);
    v.inconclusive = int_list(j, "inconclusive");
    const std::size_t n = v.engine.size();
    auto same_length = [&](std::size_t m, const char* key) {
      if (m != n)
        throw FieldError{std::string("field \"") + key + "\" has " + std::to_string(m) + " entries, \"engine\" " +
                         std::to_string(n)};
    };
    same_length(v.oracle.size(), "oracle");
    if (!v.oracle_error.empty()) same_length(v.oracle_error.size(), "oracle_error");
    if (!v.tolerance.empty()) same_length(v.tolerance.size(), "tolerance");
    for (std::int64_t i : v.inconclusive)
      if (i < 0 || static_cast<std::size_t>(i) >= n)
        throw FieldError{"field \"inconclusive\" names entry " + std::to_string(i) + " of " + std::to_string(n)};
    return v;
  });
}

StepSweep sweep_from_json(const json& j) {
  return inside("evidence.step_sweep", [&] {
    StepSweep s;
    s.entry = get_int(j, "entry", 0, true);
    const json& points = field(j, "points");
    if (!points.is_array()) throw FieldError{"field \"points\" must be an array of {\"h\", \"difference\"}"};
    for (const json& p : points) {
      if (!p.is_object()) throw FieldError{"field \"points\" must be an array of {\"h\", \"difference\"}"};
      field(p, "h");
      field(p, "difference");
      s.points.push_back({get_double(p, "h"), get_double(p, "difference")});
    }
    s.chosen_h = get_double(j, "chosen_h");
    s.estimate = get_double(j, "estimate");
    s.error = get_double(j, "error");
    return s;
  });
}

CutNode cut_from_json(const json& j) {
  return inside("evidence.cut", [&] {
    CutNode c;
    c.node = get_string(j, "node");
    c.op = opt_string(j, "op");
    c.input = static_cast<int>(get_int(j, "input", -1, false));
    c.rule = get_string(j, "rule");
    return c;
  });
}

FindingEvidence evidence_from_json(const json& j) {
  FindingEvidence e;
  const json* ev = opt_object(j, "evidence");
  if (!ev) return e;
  if (const json* x = inside("evidence", [&] { return opt_object(*ev, "entries"); })) e.entries = entries_from_json(*x);
  if (const json* x = inside("evidence", [&] { return opt_object(*ev, "step_sweep"); })) e.sweep = sweep_from_json(*x);
  if (const json* x = inside("evidence", [&] { return opt_object(*ev, "cut"); })) e.cut = cut_from_json(*x);
  inside("evidence", [&] {
    e.path = string_list(*ev, "path");
    e.reason = opt_string(*ev, "reason");
    return 0;
  });
  return e;
}

GraphAnnotations annotations_from_json(const json& j) {
  GraphAnnotations a;
  const json* an = opt_object(j, "annotations");
  if (!an) return a;
  return inside("annotations", [&] {
    a.tcg_file = opt_string(*an, "tcg_file");
    if (const json* values = opt_object(*an, "node_values"))
      for (const auto& [name, text] : values->items()) {
        if (!text.is_string()) throw FieldError{"field \"node_values\" must map value names to strings"};
        a.node_values[name] = text.get<std::string>();
      }
    a.minimal_target = opt_string(*an, "minimal_target");
    a.minimal_source = opt_string(*an, "minimal_source");
    return a;
  });
}

std::uint64_t get_count(const json& j, const char* key) {
  const json& v = field(j, key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    throw FieldError{std::string("field \"") + key + "\" must be a non-negative integer"};
  return v.get<std::uint64_t>();
}

std::vector<CampaignRun> runs_from_json(const json& j) {
  return array_field<CampaignRun>(j, "runs", false, "objects", [](const json& r, const FieldError& wrong) {
    if (!r.is_object()) throw wrong;
    return inside("runs", [&] {
      CampaignRun run;
      run.label = opt_string(r, "label");
      run.engine = opt_string(r, "engine");
      run.seed = get_count(r, "seed");
      run.threads = static_cast<int>(get_int(r, "threads", 0, false));
      run.first_graph = static_cast<int>(get_int(r, "first_graph", 0, true));
      run.graphs = static_cast<int>(get_int(r, "graphs", 0, true));
      if (r.contains("duration_s") && !r["duration_s"].is_null()) run.duration_s = get_double(r, "duration_s");
      if (run.first_graph < 0 || run.graphs < 0) throw FieldError{"\"first_graph\" and \"graphs\" must not be negative"};
      return run;
    });
  });
}

std::vector<MutantInfo> mutants_from_json(const json& j) {
  return array_field<MutantInfo>(j, "mutants", false, "objects", [](const json& m, const FieldError& wrong) {
    if (!m.is_object()) throw wrong;
    return inside("mutants", [&] {
      return MutantInfo{get_string(m, "engine"), opt_string(m, "bug_class"), opt_string(m, "description"),
                        opt_string(m, "issue")};
    });
  });
}

GraphRecord graph_from_json(const json& j) {
  GraphRecord r;
  r.id = static_cast<int>(get_int(j, "graph", 0, true));
  r.name = opt_string(j, "name");
  r.origin = opt_string(j, "origin");
  r.engine = get_string(j, "engine");
  r.seed = get_count(j, "seed");
  r.tcg = get_string(j, "tcg");
  r.minimal_tcg = opt_string(j, "minimal_tcg");
  r.ops = string_list(j, "ops");
  r.verdict = get_verdict(j, "verdict");
  r.oracles_run = string_list(j, "oracles");
  if (auto it = j.find("run"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw FieldError{"field \"run\" must be an object"};
    r.run.values = get_int(*it, "values", 0, false);
    r.run.gradient_calls = get_int(*it, "gradient_calls", 0, false);
    r.run.results = get_int(*it, "results", 0, false);
    r.run.none_results = get_int(*it, "none_results", 0, false);
    r.run.warnings = string_list(*it, "warnings");
  }
  if (auto it = j.find("error"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw FieldError{"field \"error\" must be an object or null"};
    eut::RaisedError e;
    const std::string kind = get_string(*it, "kind");
    const std::optional<eut::ErrorKind> k = eut::parse_error_kind(kind);
    if (!k) throw FieldError{"field \"kind\" of \"error\" is not an error kind: \"" + kind + "\""};
    e.kind = *k;
    e.message = get_string(*it, "message");
    e.at.line = static_cast<int>(get_int(*it, "line", 0, false));
    e.at.column = static_cast<int>(get_int(*it, "column", 0, false));
    r.run.error = e;
  }
  if (auto it = j.find("sources"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) throw FieldError{"field \"sources\" must be an array"};
    for (const json& s : *it) {
      if (!s.is_object()) throw FieldError{"field \"sources\" must hold objects"};
      oracles::SourceVerdict v;
      v.gradient = static_cast<int>(get_int(s, "gradient", 0, true));
      v.target = opt_string(s, "target");
      v.source = opt_string(s, "source");
      v.verdict = get_verdict(s, "verdict");
      v.engine_value = opt_string(s, "engine_value");
      v.why_none = opt_string(s, "why_none");
      v.oracle = opt_string(s, "oracle");
      v.detail = opt_string(s, "detail");
      v.max_rel_error = get_double(s, "max_rel_error");
      v.max_abs_error = get_double(s, "max_abs_error");
      v.tolerance = get_double(s, "tolerance");
      r.sources.push_back(std::move(v));
    }
  }
  r.annotations = annotations_from_json(j);
  return r;
}

FindingRecord finding_from_json(const json& j) {
  FindingRecord r;
  r.graph = static_cast<int>(get_int(j, "graph", 0, true));
  oracles::Finding& f = r.finding;
  f.oracle = get_string(j, "oracle");
  f.gradient = static_cast<int>(get_int(j, "gradient", 0, true));
  f.target = opt_string(j, "target");
  f.source = opt_string(j, "source");
  f.outcome = get_outcome(j);
  f.detail = opt_string(j, "detail");
  f.max_abs_error = get_double(j, "max_abs_error");
  f.max_rel_error = get_double(j, "max_rel_error");
  f.tolerance = get_double(j, "tolerance");
  f.entries_checked = get_int(j, "entries_checked", 0, false);
  f.entries_inconclusive = get_int(j, "entries_inconclusive", 0, false);
  f.worst_entry = get_int(j, "worst_entry", -1, false);
  r.evidence = evidence_from_json(j);
  return r;
}

}  // namespace

std::vector<std::string> ops_used(const graph::Graph& g) {
  std::set<std::string> ops;
  collect_ops(g.body, ops);
  return {ops.begin(), ops.end()};
}

GraphRecord make_record(int id, const graph::Graph& g, const oracles::CheckReport& report,
                        std::string origin, std::uint64_t seed) {
  GraphRecord r;
  r.id = id;
  r.name = g.name;
  r.origin = std::move(origin);
  r.engine = report.engine;
  r.seed = seed;
  r.tcg = graph::print_tcg(g);
  r.ops = ops_used(g);
  r.verdict = report.verdict;
  r.run = report.run;
  r.oracles_run = report.oracles_run;
  r.sources = report.sources;
  return r;
}

int append(FindingsLog& log, const graph::Graph& g, const oracles::CheckReport& report,
           std::string origin, std::uint64_t seed) {
  const int id = static_cast<int>(log.graphs.size());
  log.graphs.push_back(make_record(id, g, report, std::move(origin), seed));
  for (const oracles::Finding& f : report.findings) {
    FindingRecord r{id, f, evidence_of(f)};
    r.finding.evidence = {};  // the record's own evidence holds it, as a log read back does
    log.findings.push_back(std::move(r));
  }
  return id;
}

json to_json(const GraphRecord& r) {
  json sources = json::array();
  for (const oracles::SourceVerdict& v : r.sources)
    sources.push_back({{"gradient", v.gradient},
                       {"target", v.target},
                       {"source", v.source},
                       {"verdict", oracles::verdict_name(v.verdict)},
                       {"engine_value", v.engine_value},
                       {"why_none", v.why_none},
                       {"oracle", v.oracle},
                       {"detail", v.detail},
                       {"max_rel_error", number(v.max_rel_error)},
                       {"max_abs_error", number(v.max_abs_error)},
                       {"tolerance", number(v.tolerance)}});
  json j = json::object();
  j["type"] = "graph";
  j["graph"] = r.id;
  j["name"] = r.name;
  j["origin"] = r.origin;
  j["engine"] = r.engine;
  j["seed"] = r.seed;
  j["verdict"] = oracles::verdict_name(r.verdict);
  j["error"] = error_json(r.run.error);
  j["run"] = {{"values", r.run.values},
              {"gradient_calls", r.run.gradient_calls},
              {"results", r.run.results},
              {"none_results", r.run.none_results}};
  if (!r.run.warnings.empty()) j["run"]["warnings"] = r.run.warnings;
  j["ops"] = r.ops;
  j["oracles"] = r.oracles_run;
  j["sources"] = std::move(sources);
  j["tcg"] = r.tcg;
  j["minimal_tcg"] = r.minimal_tcg.empty() ? json(nullptr) : json(r.minimal_tcg);
  if (json a = annotations_json(r.annotations); !a.is_null()) j["annotations"] = std::move(a);
  return j;
}

json to_json(const FindingRecord& r) {
  const oracles::Finding& f = r.finding;
  json j = json::object();
  j["type"] = "finding";
  j["graph"] = r.graph;
  j["oracle"] = f.oracle;
  j["gradient"] = f.gradient;
  j["target"] = f.target;
  j["source"] = f.source;
  j["outcome"] = oracles::outcome_name(f.outcome);
  j["detail"] = f.detail;
  j["max_abs_error"] = number(f.max_abs_error);
  j["max_rel_error"] = number(f.max_rel_error);
  j["tolerance"] = number(f.tolerance);
  j["entries_checked"] = f.entries_checked;
  j["entries_inconclusive"] = f.entries_inconclusive;
  j["worst_entry"] = f.worst_entry;
  if (json e = evidence_json(r.evidence); !e.is_null()) j["evidence"] = std::move(e);
  return j;
}

namespace {

std::string line_of(const json& j) {
  // nlohmann::json objects keep keys sorted, so the bytes depend on the content only.
  // Invalid UTF-8 in a string (from a message quoting odd input) is replaced, never thrown.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string header_line(const json& campaign, const std::vector<MutantInfo>& mutants) {
  json h = {{"type", "header"}, {"format", kLogFormat}, {"version", kLogVersion}};
  if (!campaign.is_null()) h["campaign"] = campaign;
  if (!mutants.empty()) {
    h["mutants"] = json::array();
    for (const MutantInfo& m : mutants) h["mutants"].push_back(mutant_json(m));
  }
  return line_of(h);
}

std::string trailer_line(int graphs, std::size_t findings, const std::vector<CampaignRun>& runs) {
  json t = {{"type", "trailer"}, {"status", "complete"}, {"graphs", graphs}, {"findings", findings}};
  if (!runs.empty()) {
    t["runs"] = json::array();
    for (const CampaignRun& r : runs) t["runs"].push_back(run_json(r));
  }
  return line_of(t);
}

}  // namespace

std::string graph_lines(const GraphRecord& graph, const std::vector<FindingRecord>& findings) {
  json g = to_json(graph);
  g["finding_count"] = findings.size();
  std::string out = line_of(g);
  for (const FindingRecord& f : findings) {
    if (f.graph != graph.id)
      throw ReportError("findings log: a finding of graph " + std::to_string(f.graph) + " listed with graph " +
                        std::to_string(graph.id));
    out += line_of(to_json(f));
  }
  return out;
}

std::string to_jsonl(const FindingsLog& log) {
  // Findings whose graph is not in the log could not be read back: a caller's bug.
  std::vector<std::vector<FindingRecord>> by_graph(log.graphs.size());
  for (const FindingRecord& f : log.findings) {
    const int g = f.graph;
    if (g < 0 || static_cast<std::size_t>(g) >= log.graphs.size() ||
        log.graphs[static_cast<std::size_t>(g)].id != g)
      throw ReportError("findings log: a finding refers to graph " + std::to_string(g) +
                        ", which is not in the log");
    by_graph[static_cast<std::size_t>(g)].push_back(f);
  }
  std::string out = header_line(log.campaign, log.campaign_info.mutants);
  for (std::size_t g = 0; g < log.graphs.size(); ++g) {
    if (log.graphs[g].id != static_cast<int>(g))
      throw ReportError("findings log: graph ids must be 0, 1, 2, ... in order");
    out += graph_lines(log.graphs[g], by_graph[g]);
  }
  if (log.complete) out += trailer_line(static_cast<int>(log.graphs.size()), log.findings.size(), log.campaign_info.runs);
  return out;
}

void write_findings_log(const std::string& path, const FindingsLog& log) {
  write_file_atomically(path, to_jsonl(log));
}

namespace {

struct ParsedLog {
  FindingsLog log;
  std::uint64_t whole_bytes = 0;  // the text's prefix holding the header and whole graphs
  std::uint64_t total_bytes = 0;  // the text's size
};

// What to do with a log whose end was torn by a write that stopped half-way (a killed
// campaign): resuming it drops the torn graph and continues; reading it for a report is an
// error, since its last graph is not the graph that was checked.
enum class TornEnd { error, drop };

ReportError torn_end_error(const std::string& name, int line, const std::string& what) {
  return ReportError(name + ":" + std::to_string(line) + ": " + what +
                     ": the log is cut short (its campaign was killed while writing it); "
                     "`tapecheck campaign --resume DIR` cuts the torn end off and continues");
}

// Lines of a text in memory, or of a file read a buffer at a time (a soak's log is larger than
// memory allows twice): next(line, terminated) gives the next line, without its '\n' and with
// whether it had one; false at the end.
class TextLines {
 public:
  explicit TextLines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line, bool& terminated) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', pos_);
    terminated = end != std::string_view::npos;
    if (!terminated) end = text_.size();
    line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

class FileLines {
 public:
  explicit FileLines(const std::string& path) : in_(open_for_reading(path)), path_(path) {}
  bool next(std::string_view& line, bool& terminated) {
    if (!std::getline(in_, buffer_)) {
      if (in_.bad()) throw ReportError("cannot read " + path_ + ": read error");
      return false;
    }
    terminated = !in_.eof();  // getline stops at the end of the file before a last '\n'
    line = buffer_;
    return true;
  }

 private:
  std::ifstream in_;
  std::string path_;
  std::string buffer_;
};

// The first record of a file, nothing after it: a log's header without reading its graphs.
class FirstRecord {
 public:
  explicit FirstRecord(const std::string& path) : lines_(path) {}
  bool next(std::string_view& line, bool& terminated) {
    while (!done_ && lines_.next(line, terminated))
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) return done_ = true;
    return false;
  }

 private:
  FileLines lines_;
  bool done_ = false;
};

// What a report keeps of an agreeing graph it does not list (read_findings_log_for_report).
void condense(GraphRecord& g) {
  g.tcg.clear();
  g.minimal_tcg.clear();
  g.annotations = GraphAnnotations{};
  for (oracles::SourceVerdict& s : g.sources)
    if (s.verdict == oracles::Verdict::agree) s.detail.clear();
}

// `condense_from`: graphs from that id on whose verdict is agree are condensed, and their
// agree and not_applicable findings counted in log.omitted instead of kept.
template <class Lines>
ParsedLog parse_log(Lines lines, const std::string& name, TornEnd torn,
                    std::optional<std::size_t> condense_from = std::nullopt) {
  ParsedLog out;
  FindingsLog& log = out.log;
  log.complete = false;
  std::uint64_t pos = 0;
  int line_no = 0;
  int version = 1;  // a log without a header is read as version 1
  bool header_seen = false, trailer_seen = false;
  // The last graph: where its lines start, its findings promised (finding_count) and read.
  std::uint64_t graph_start = 0;
  std::size_t graph_findings_start = 0;
  std::int64_t promised = -1;  // -1: no finding_count (version 1)
  std::int64_t read = 0;
  bool condensed = false;  // the last graph is condensed
  // The last graph's omitted findings, counted into log.omitted once the graph is whole (a torn
  // last graph is dropped with them).
  OmittedFindings last_omitted;
  auto count_last_omitted = [&] {
    for (const auto& [oracle, outcomes] : last_omitted.per_oracle)
      for (const auto& [outcome, count] : outcomes) log.omitted.per_oracle[oracle][outcome] += count;
    log.omitted.count += last_omitted.count;
    last_omitted = OmittedFindings{};
  };
  auto graph_whole = [&] { return promised < 0 || read == promised; };
  std::string_view line;
  bool terminated = false;
  while (lines.next(line, terminated)) {
    const std::uint64_t line_start = pos;
    pos += line.size() + (terminated ? 1 : 0);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto fail = [&](const std::string& what) -> ReportError {
      return ReportError(name + ":" + std::to_string(line_no) + ": " + what);
    };
    json j;
    try {
      j = json::parse(line.begin(), line.end());
    } catch (const json::exception& e) {
      // An appended log interrupted mid-write ends with a partial line: every record is an
      // object, and no prefix of an object is valid JSON. The graphs before it stand.
      if (!terminated && !trailer_seen) {
        if (torn == TornEnd::error) throw torn_end_error(name, line_no, "the last line is incomplete");
        break;
      }
      const graph::JsonSyntaxError s = graph::describe_json_error(line, e);
      throw ReportError(name + ":" + std::to_string(line_no) + ":" + std::to_string(s.at.column) +
                        ": malformed JSON: " + s.message);
    }
    if (!j.is_object()) throw fail("expected a JSON object, one per line");
    if (trailer_seen) throw fail("a record after the trailer (the trailer ends a log)");
    try {
      const std::string type = get_string(j, "type");
      if (type == "header") {
        if (header_seen || !log.graphs.empty()) throw fail("a header must come first, once");
        header_seen = true;
        if (opt_string(j, "format") != kLogFormat)
          throw fail(std::string("not a findings log (format is not \"") + kLogFormat + "\")");
        const std::int64_t v = get_int(j, "version", 0, true);
        if (v > kLogVersion)
          throw fail("findings log version " + std::to_string(v) + " is newer than this tapecheck reads (" +
                     std::to_string(kLogVersion) + ")");
        version = static_cast<int>(v);
        if (auto it = j.find("campaign"); it != j.end() && !it->is_null()) {
          if (!it->is_object()) throw FieldError{"field \"campaign\" must be an object"};
          log.campaign = *it;
        }
        log.campaign_info.mutants = mutants_from_json(j);
      } else if (type == "graph") {
        if (!graph_whole())
          throw fail("graph " + std::to_string(log.graphs.size()) + " comes before graph " +
                     std::to_string(log.graphs.size() - 1) + "'s " + std::to_string(promised) +
                     " findings (finding_count); " + std::to_string(read) + " were read");
        count_last_omitted();
        GraphRecord r = graph_from_json(j);
        if (r.id != static_cast<int>(log.graphs.size()))
          throw fail("graph " + std::to_string(r.id) + " out of order: expected graph " +
                     std::to_string(log.graphs.size()));
        graph_start = line_start;
        graph_findings_start = log.findings.size();
        promised = -1;
        read = 0;
        condensed = condense_from && r.id >= static_cast<std::int64_t>(*condense_from) &&
                    r.verdict == oracles::Verdict::agree;
        if (condensed) condense(r);
        if (j.contains("finding_count")) {
          promised = get_int(j, "finding_count", 0, true);
          if (promised < 0) throw FieldError{"field \"finding_count\" must not be negative"};
        }
        log.graphs.push_back(std::move(r));
      } else if (type == "finding") {
        FindingRecord r = finding_from_json(j);
        if (r.graph < 0 || r.graph >= static_cast<int>(log.graphs.size()))
          throw fail("finding of graph " + std::to_string(r.graph) + ", which has no graph record before it");
        if (r.graph != static_cast<int>(log.graphs.size()) - 1 || (promised >= 0 && read >= promised))
          throw fail("finding of graph " + std::to_string(r.graph) + " beyond its graph's finding_count");
        ++read;
        const oracles::Outcome outcome = r.finding.outcome;
        if (condensed && (outcome == oracles::Outcome::agree || outcome == oracles::Outcome::not_applicable)) {
          ++last_omitted.per_oracle[r.finding.oracle][outcome];
          ++last_omitted.count;
          ++log.graphs.back().omitted_findings;
        } else {
          log.findings.push_back(std::move(r));
        }
      } else if (type == "trailer") {
        if (!graph_whole())
          throw fail("the trailer comes before graph " + std::to_string(log.graphs.size() - 1) +
                     "'s findings end");
        count_last_omitted();
        const std::int64_t graphs = get_int(j, "graphs", 0, true);
        const std::int64_t findings = get_int(j, "findings", 0, true);
        if (graphs != static_cast<std::int64_t>(log.graphs.size()) ||
            findings != static_cast<std::int64_t>(log.finding_count()))
          throw fail("the trailer counts " + std::to_string(graphs) + " graphs and " + std::to_string(findings) +
                     " findings; the log holds " + std::to_string(log.graphs.size()) + " and " +
                     std::to_string(log.finding_count()));
        log.campaign_info.runs = runs_from_json(j);
        for (const CampaignRun& run : log.campaign_info.runs)
          if (run.first_graph + run.graphs > graphs)
            throw fail("the trailer's run \"" + run.label + "\" covers graphs " + std::to_string(run.first_graph) +
                       " to " + std::to_string(run.first_graph + run.graphs - 1) + "; the log holds " +
                       std::to_string(graphs));
        trailer_seen = true;
        log.complete = true;
      } else {
        throw fail("unknown record type \"" + type + "\" (header, graph, finding, trailer)");
      }
    } catch (const FieldError& e) {
      throw fail(e.message);
    } catch (const json::exception& e) {
      throw fail(e.what());
    }
    if (graph_whole()) out.whole_bytes = pos;
  }
  out.total_bytes = pos;
  if (!trailer_seen) {
    if (!graph_whole()) {
      if (torn == TornEnd::error)
        throw torn_end_error(name, line_no,
                             "graph " + std::to_string(log.graphs.size() - 1) + " has " + std::to_string(read) +
                                 " of its " + std::to_string(promised) + " findings");
      // The last graph lost some of its findings to the interruption: drop it whole.
      log.graphs.pop_back();
      log.findings.resize(graph_findings_start);
      last_omitted = OmittedFindings{};
      out.whole_bytes = graph_start;
    }
    // Version 1 had no trailer: such logs were written whole, at the end of a campaign.
    log.complete = version < 2 && out.whole_bytes == out.total_bytes;
  }
  count_last_omitted();
  return out;
}

}  // namespace

FindingsLog parse_findings_log(std::string_view text, const std::string& name) {
  return parse_log(TextLines(text), name, TornEnd::error).log;
}

FindingsLog read_findings_log(const std::string& path) {
  return parse_log(FileLines(path), path, TornEnd::error).log;
}

nlohmann::json read_log_campaign(const std::string& path) {
  return parse_log(FirstRecord(path), path, TornEnd::drop).log.campaign;
}

FindingsLog read_findings_log_for_report(const std::string& path, std::size_t whole_graphs) {
  return parse_log(FileLines(path), path, TornEnd::error, whole_graphs).log;
}

// --- LogAppender ------------------------------------------------------------------------------

namespace {

[[noreturn]] void write_failed(const std::string& path, int err) {
  throw ReportError("cannot write " + path + ": " + std::strerror(err));
}

}  // namespace

LogAppender::LogAppender(std::string path, int fd, std::uint64_t size, int graphs, std::size_t findings, bool done)
    : path_(std::move(path)), fd_(fd), size_(size), graphs_(graphs), findings_(findings), done_(done) {}

LogAppender::LogAppender(LogAppender&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      graphs_(other.graphs_),
      findings_(other.findings_),
      done_(other.done_) {}

LogAppender::~LogAppender() {
  if (fd_ >= 0) ::close(fd_);
}

LogAppender LogAppender::create(const std::string& path, const nlohmann::json& campaign,
                                const std::vector<MutantInfo>& mutants) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ReportError("cannot write " + path + ": it is a directory");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) write_failed(path, errno);
  LogAppender a(path, fd, 0, 0, 0, false);
  a.write_lines(header_line(campaign, mutants), true);
  return a;
}

LogAppender LogAppender::resume(const std::string& path, FindingsLog& log, std::optional<std::size_t> condense_from) {
  ParsedLog parsed = parse_log(FileLines(path), path, TornEnd::drop, condense_from);
  log = std::move(parsed.log);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) write_failed(path, errno);
  LogAppender a(path, fd, parsed.whole_bytes, static_cast<int>(log.graphs.size()), log.finding_count(),
                log.complete);
  if (!log.complete && parsed.whole_bytes < parsed.total_bytes &&
      ::ftruncate(fd, static_cast<off_t>(parsed.whole_bytes)) != 0)
    write_failed(path, errno);
  return a;
}

void LogAppender::write_lines(const std::string& text, bool durable) {
  if (done_) throw ReportError("cannot write " + path_ + ": the log is closed");
  const char* p = text.data();
  std::size_t left = text.size();
  off_t at = static_cast<off_t>(size_);
  int err = 0;
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, p, left, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    p += n;
    at += n;
    left -= static_cast<std::size_t>(n);
  }
  if (!err && durable && ::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) err = errno;
  if (err) {
    // Undo the part written, so that the file ends with a whole graph; shrinking a file needs
    // no space.
    (void)!::ftruncate(fd_, static_cast<off_t>(size_));
    done_ = true;
    write_failed(path_, err);
  }
  size_ += text.size();
}

void LogAppender::append(const GraphRecord& graph, const std::vector<FindingRecord>& findings, bool durable) {
  if (graph.id != graphs_)
    throw ReportError("findings log " + path_ + ": graph " + std::to_string(graph.id) + " appended where graph " +
                      std::to_string(graphs_) + " belongs");
  write_lines(graph_lines(graph, findings), durable);
  ++graphs_;
  findings_ += findings.size();
}

void LogAppender::finish(const std::vector<CampaignRun>& runs) {
  write_lines(trailer_line(graphs_, findings_, runs), true);
  done_ = true;
}

}  // namespace tc::reports
