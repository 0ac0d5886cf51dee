#include "reports/findings_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>
#include <utility>
#include <variant>

#include "graph/json.hpp"
#include "graph/tcg.hpp"

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

double get_double(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
  }
  throw FieldError{std::string("field \"") + key + "\" must be a number (or \"nan\", \"inf\", \"-inf\")"};
}

std::vector<std::string> string_list(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) throw FieldError{std::string("field \"") + key + "\" must be an array of strings"};
  for (const json& v : *it) {
    if (!v.is_string()) throw FieldError{std::string("field \"") + key + "\" must be an array of strings"};
    out.push_back(v.get<std::string>());
  }
  return out;
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

GraphRecord graph_from_json(const json& j) {
  GraphRecord r;
  r.id = static_cast<int>(get_int(j, "graph", 0, true));
  r.name = opt_string(j, "name");
  r.origin = opt_string(j, "origin");
  r.engine = get_string(j, "engine");
  const json& seed = field(j, "seed");
  if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0))
    throw FieldError{"field \"seed\" must be a non-negative integer"};
  r.seed = seed.get<std::uint64_t>();
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
  for (const oracles::Finding& f : report.findings) log.findings.push_back({id, f});
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
  j["ops"] = r.ops;
  j["oracles"] = r.oracles_run;
  j["sources"] = std::move(sources);
  j["tcg"] = r.tcg;
  j["minimal_tcg"] = r.minimal_tcg.empty() ? json(nullptr) : json(r.minimal_tcg);
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
  return j;
}

namespace {

std::string line_of(const json& j) {
  // nlohmann::json objects keep keys sorted, so the bytes depend on the content only.
  // Invalid UTF-8 in a string (from a message quoting odd input) is replaced, never thrown.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string header_line(const json& campaign) {
  json h = {{"type", "header"}, {"format", kLogFormat}, {"version", kLogVersion}};
  if (!campaign.is_null()) h["campaign"] = campaign;
  return line_of(h);
}

std::string trailer_line(int graphs, std::size_t findings) {
  return line_of({{"type", "trailer"}, {"status", "complete"}, {"graphs", graphs}, {"findings", findings}});
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
  std::string out = header_line(log.campaign);
  for (std::size_t g = 0; g < log.graphs.size(); ++g) {
    if (log.graphs[g].id != static_cast<int>(g))
      throw ReportError("findings log: graph ids must be 0, 1, 2, ... in order");
    out += graph_lines(log.graphs[g], by_graph[g]);
  }
  if (log.complete) out += trailer_line(static_cast<int>(log.graphs.size()), log.findings.size());
  return out;
}

void write_findings_log(const std::string& path, const FindingsLog& log) {
  write_file_atomically(path, to_jsonl(log));
}

namespace {

struct ParsedLog {
  FindingsLog log;
  std::size_t whole_bytes = 0;  // the text's prefix holding the header and whole graphs
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

ParsedLog parse_log(std::string_view text, const std::string& name, TornEnd torn) {
  ParsedLog out;
  FindingsLog& log = out.log;
  log.complete = false;
  std::size_t pos = 0;
  int line_no = 0;
  int version = 1;  // a log without a header is read as version 1
  bool header_seen = false, trailer_seen = false;
  // The last graph: where its lines start, its findings promised (finding_count) and read.
  std::size_t graph_start = 0, graph_findings_start = 0;
  std::int64_t promised = -1;  // -1: no finding_count (version 1)
  std::int64_t read = 0;
  auto graph_whole = [&] { return promised < 0 || read == promised; };
  while (pos < text.size()) {
    const std::size_t line_start = pos;
    std::size_t end = text.find('\n', pos);
    const bool terminated = end != std::string_view::npos;
    if (!terminated) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
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
      } else if (type == "graph") {
        if (!graph_whole())
          throw fail("graph " + std::to_string(log.graphs.size()) + " comes before graph " +
                     std::to_string(log.graphs.size() - 1) + "'s " + std::to_string(promised) +
                     " findings (finding_count); " + std::to_string(read) + " were read");
        GraphRecord r = graph_from_json(j);
        if (r.id != static_cast<int>(log.graphs.size()))
          throw fail("graph " + std::to_string(r.id) + " out of order: expected graph " +
                     std::to_string(log.graphs.size()));
        graph_start = line_start;
        graph_findings_start = log.findings.size();
        promised = -1;
        read = 0;
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
        log.findings.push_back(std::move(r));
      } else if (type == "trailer") {
        if (!graph_whole())
          throw fail("the trailer comes before graph " + std::to_string(log.graphs.size() - 1) +
                     "'s findings end");
        const std::int64_t graphs = get_int(j, "graphs", 0, true);
        const std::int64_t findings = get_int(j, "findings", 0, true);
        if (graphs != static_cast<std::int64_t>(log.graphs.size()) ||
            findings != static_cast<std::int64_t>(log.findings.size()))
          throw fail("the trailer counts " + std::to_string(graphs) + " graphs and " + std::to_string(findings) +
                     " findings; the log holds " + std::to_string(log.graphs.size()) + " and " +
                     std::to_string(log.findings.size()));
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
    if (graph_whole()) out.whole_bytes = terminated ? pos : text.size();
  }
  if (!trailer_seen) {
    if (!graph_whole()) {
      if (torn == TornEnd::error)
        throw torn_end_error(name, line_no,
                             "graph " + std::to_string(log.graphs.size() - 1) + " has " + std::to_string(read) +
                                 " of its " + std::to_string(promised) + " findings");
      // The last graph lost some of its findings to the interruption: drop it whole.
      log.graphs.pop_back();
      log.findings.resize(graph_findings_start);
      out.whole_bytes = graph_start;
    }
    // Version 1 had no trailer: such logs were written whole, at the end of a campaign.
    log.complete = version < 2 && out.whole_bytes == text.size();
  }
  return out;
}

}  // namespace

FindingsLog parse_findings_log(std::string_view text, const std::string& name) {
  return parse_log(text, name, TornEnd::error).log;
}

FindingsLog read_findings_log(const std::string& path) {
  return parse_findings_log(read_file(path), path);
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

LogAppender LogAppender::create(const std::string& path, const nlohmann::json& campaign) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ReportError("cannot write " + path + ": it is a directory");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) write_failed(path, errno);
  LogAppender a(path, fd, 0, 0, 0, false);
  a.write_lines(header_line(campaign), true);
  return a;
}

LogAppender LogAppender::resume(const std::string& path, FindingsLog& log) {
  const std::string text = read_file(path);
  ParsedLog parsed = parse_log(text, path, TornEnd::drop);
  log = std::move(parsed.log);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) write_failed(path, errno);
  LogAppender a(path, fd, parsed.whole_bytes, static_cast<int>(log.graphs.size()), log.findings.size(),
                log.complete);
  if (!log.complete && parsed.whole_bytes < text.size() &&
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

void LogAppender::finish() {
  write_lines(trailer_line(graphs_, findings_), true);
  done_ = true;
}

}  // namespace tc::reports
