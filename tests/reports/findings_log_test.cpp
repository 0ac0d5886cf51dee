// reports/findings_log and reports/atomic_file: the JSON-lines log round-trips, errors name the
// line, writes are atomic.
#include "reports/findings_log.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace tc::reports {
namespace {

using test::corpus_graph;

FindingsLog corpus_log() {
  FindingsLog log;
  auto engine = eut::make_reference_engine();
  for (const char* name : {"round_in_loss", "cond_on_tensor"}) {
    const graph::Graph g = corpus_graph(name);
    append(log, g, oracles::check_graph(g, *engine, {}), std::string("corpus/graphs/") + name + ".tcg", 3);
  }
  return log;
}

std::vector<FindingRecord> findings_of(const FindingsLog& log, int graph) {
  std::vector<FindingRecord> out;
  for (const FindingRecord& f : log.findings)
    if (f.graph == graph) out.push_back(f);
  return out;
}

std::string expect_parse_error(const std::string& text) {
  try {
    parse_findings_log(text, "log.jsonl");
  } catch (const ReportError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

TEST(FindingsLog, RoundTripsByteForByte) {
  const FindingsLog log = corpus_log();
  const std::string text = to_jsonl(log);
  const FindingsLog back = parse_findings_log(text, "x");
  ASSERT_EQ(back.graphs.size(), 2u);
  EXPECT_EQ(back.findings.size(), log.findings.size());
  EXPECT_EQ(to_jsonl(back), text);
  EXPECT_EQ(back.graphs[0].name, "round_in_loss");
  EXPECT_EQ(back.graphs[0].seed, 3u);
  EXPECT_EQ(back.graphs[0].engine, log.graphs[0].engine);
  EXPECT_EQ(back.graphs[0].ops, (std::vector<std::string>{"add", "mul", "reduce_sum", "round"}));
  EXPECT_EQ(back.graphs[0].tcg, graph::print_tcg(corpus_graph("round_in_loss")));
  EXPECT_FALSE(back.graphs[0].sources.empty());
}

TEST(FindingsLog, OneObjectPerLineHeaderFirst) {
  const std::string text = to_jsonl(corpus_log());
  std::istringstream in(text);
  std::string line;
  int n = 0, graphs = 0;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.is_object());
    if (n == 0) {
      EXPECT_EQ(j["type"], "header");
      EXPECT_EQ(j["format"], kLogFormat);
      EXPECT_EQ(j["version"], kLogVersion);
    }
    if (j["type"] == "graph") {
      ++graphs;
      for (const char* k : {"graph", "name", "origin", "engine", "seed", "verdict", "error", "run", "ops",
                            "oracles", "sources", "tcg", "minimal_tcg"})
        EXPECT_TRUE(j.contains(k)) << k;
    }
    if (j["type"] == "finding") {
      for (const char* k : {"graph", "oracle", "gradient", "target", "source", "outcome", "detail",
                            "max_abs_error", "max_rel_error", "tolerance", "entries_checked",
                            "entries_inconclusive", "worst_entry"})
        EXPECT_TRUE(j.contains(k)) << k;
    }
    ++n;
  }
  EXPECT_EQ(graphs, 2);
  EXPECT_EQ(text.back(), '\n');
}

TEST(FindingsLog, NonFiniteNumbersAndErrorsRoundTrip) {
  FindingsLog log;
  GraphRecord g;
  g.engine = "e";
  g.tcg = "tape t\n";
  g.verdict = oracles::Verdict::error_raised;
  g.run.error = eut::RaisedError{eut::ErrorKind::shape, "add: shapes [2] and [3] are incompatible", {4, 9}};
  log.graphs.push_back(g);
  FindingRecord f;
  f.finding.oracle = "finite_difference";
  f.finding.outcome = oracles::Outcome::inconclusive;
  f.finding.max_abs_error = INFINITY;
  f.finding.max_rel_error = std::nan("");
  f.finding.tolerance = -INFINITY;
  log.findings.push_back(f);
  const std::string text = to_jsonl(log);
  EXPECT_NE(text.find(R"("kind":"shape")"), std::string::npos) << text;  // the kind's name, stable
  const FindingsLog back = parse_findings_log(text, "x");
  ASSERT_TRUE(back.graphs[0].run.error.has_value());
  EXPECT_EQ(back.graphs[0].run.error->kind, eut::ErrorKind::shape);
  EXPECT_EQ(back.graphs[0].run.error->at.line, 4);
  EXPECT_EQ(back.graphs[0].run.error->at.column, 9);
  EXPECT_TRUE(std::isinf(back.findings[0].finding.max_abs_error));
  EXPECT_TRUE(std::isnan(back.findings[0].finding.max_rel_error));
  EXPECT_EQ(back.findings[0].finding.tolerance, -INFINITY);
}

TEST(FindingsLog, ErrorsNameTheLine) {
  const std::string header = R"({"type":"header","format":"tapecheck-findings","version":1})";
  const std::string graph =
      R"({"type":"graph","graph":0,"engine":"e","seed":0,"tcg":"","verdict":"agree"})";
  EXPECT_NE(expect_parse_error(header + "\n{not json\n").find("log.jsonl:2:"), std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n[1,2]\n").find("log.jsonl:2: expected a JSON object"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n\n" + R"({"type":"bogus"})").find("log.jsonl:3: unknown record type"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n" + R"({"type":"finding","graph":0,"oracle":"x","gradient":0,"outcome":"agree"})")
                .find("log.jsonl:2: finding of graph 0"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n" + R"({"type":"graph","graph":0,"seed":0,"tcg":"","verdict":"agree"})")
                .find("log.jsonl:2: missing field \"engine\""),
            std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n" + graph + "\n" +
                               R"({"type":"finding","graph":0,"oracle":"x","gradient":0,"outcome":"great"})")
                .find("log.jsonl:3: field \"outcome\": unknown outcome"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n" +
                               R"({"type":"graph","graph":0,"engine":"e","seed":0,"tcg":"","verdict":"error_raised",)"
                               R"("error":{"kind":"oops","message":"m"}})")
                .find("is not an error kind: \"oops\""),
            std::string::npos);
  EXPECT_NE(expect_parse_error(R"({"type":"header","format":"other","version":1})").find("not a findings log"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(R"({"type":"header","format":"tapecheck-findings","version":99})").find("newer"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(header + "\n" + R"({"type":"graph","graph":5,"engine":"e","seed":0,"tcg":"","verdict":"agree"})")
                .find("out of order"),
            std::string::npos);
  // Blank lines and unknown keys are fine; the header is optional.
  const FindingsLog ok = parse_findings_log("\n" + graph.substr(0, graph.size() - 1) + R"(,"extra":1})" + "\n\n", "x");
  EXPECT_EQ(ok.graphs.size(), 1u);
}

TEST(FindingsLog, EndsWithATrailerThatCountsEverything) {
  const FindingsLog log = corpus_log();
  const std::string text = to_jsonl(log);
  const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  const nlohmann::json trailer = nlohmann::json::parse(last);
  EXPECT_EQ(trailer["type"], "trailer");
  EXPECT_EQ(trailer["status"], "complete");
  EXPECT_EQ(trailer["graphs"], 2);
  EXPECT_EQ(trailer["findings"], log.findings.size());
  EXPECT_TRUE(parse_findings_log(text, "x").complete);
  // Counts that disagree with the log, and anything after the trailer, are errors.
  const std::string body = text.substr(0, text.size() - last.size());
  EXPECT_NE(expect_parse_error(body + R"({"type":"trailer","status":"complete","graphs":3,"findings":0})" + "\n")
                .find("the trailer counts 3 graphs"),
            std::string::npos);
  EXPECT_NE(expect_parse_error(text + R"({"type":"graph","graph":2,"engine":"e","seed":0,"tcg":"","verdict":"agree"})")
                .find("after the trailer"),
            std::string::npos);
}

TEST(FindingsLog, CampaignHeaderRoundTrips) {
  FindingsLog log = corpus_log();
  log.campaign = {{"seed", 7}, {"graphs", 100}, {"engine", "reference"}};
  const std::string text = to_jsonl(log);
  EXPECT_EQ(nlohmann::json::parse(text.substr(0, text.find('\n')))["campaign"], log.campaign);
  const FindingsLog back = parse_findings_log(text, "x");
  EXPECT_EQ(back.campaign, log.campaign);
  EXPECT_EQ(to_jsonl(back), text);
}

// The report's optional data (docs/report.md, "Data the report reads"), every key filled.
FindingsLog log_with_report_data() {
  FindingsLog log = corpus_log();
  log.campaign_info.runs = {{"reference engine", "reference", 3, 2, 0, 1, 0.25},
                            {"injected fault: add", "mutant:add_broadcast_not_reduced", 4, 1, 1, 1, std::nullopt}};
  log.campaign_info.mutants = {{"mutant:add_broadcast_not_reduced", "broadcast gradient not reduced",
                                "add's gradient keeps the broadcast shape", "pytorch#1813"}};
  GraphAnnotations& a = log.graphs[1].annotations;
  a.tcg_file = "graphs/graph-1.min.tcg";
  a.node_values = {{"x", "f32[3] 0.5 -1 2"}, {"y", "f32[] nan"}};
  a.minimal_target = "loss";
  a.minimal_source = "w";
  FindingEvidence& e = log.findings.front().evidence;
  e.entries = EntryValues{EntryValues::Kind::element, {2, 2}, {1, 2, NAN, INFINITY}, {1, 2.5, 3, -INFINITY},
                          {1e-12, 1e-12, 0, 0}, {1e-9, 1e-9, 1e-9, 1e-9}, {2}};
  e.sweep = StepSweep{1, {{0.02, 2.4}, {1e-5, 2.5000001}}, 1e-3, 2.5, 1e-11};
  e.cut = CutNode{"r", "round", 0, "non-differentiable"};
  e.path = {"w", "r", "loss"};
  e.reason = "kink";
  return log;
}

TEST(FindingsLog, TheReportsOptionalDataRoundTrips) {
  const FindingsLog log = log_with_report_data();
  const std::string text = to_jsonl(log);
  const FindingsLog back = parse_findings_log(text, "x");
  EXPECT_EQ(to_jsonl(back), text);
  ASSERT_EQ(back.campaign_info.runs.size(), 2u);
  EXPECT_EQ(back.campaign_info.runs[1].label, "injected fault: add");
  EXPECT_EQ(back.campaign_info.runs[1].first_graph, 1);
  EXPECT_EQ(back.campaign_info.runs[0].threads, 2);
  EXPECT_EQ(back.campaign_info.runs[0].duration_s, 0.25);
  EXPECT_FALSE(back.campaign_info.runs[1].duration_s);
  ASSERT_EQ(back.campaign_info.mutants.size(), 1u);
  EXPECT_EQ(back.campaign_info.mutants[0].issue, "pytorch#1813");
  EXPECT_EQ(back.graphs[1].annotations.node_values.at("y"), "f32[] nan");
  EXPECT_EQ(back.graphs[1].annotations.tcg_file, "graphs/graph-1.min.tcg");
  EXPECT_EQ(back.graphs[1].annotations.minimal_source, "w");
  const FindingEvidence& e = back.findings.front().evidence;
  ASSERT_TRUE(e.entries && e.sweep && e.cut);
  EXPECT_EQ(e.entries->shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_TRUE(std::isnan(e.entries->engine[2]));
  EXPECT_EQ(e.entries->oracle[3], -INFINITY);
  EXPECT_EQ(e.entries->inconclusive, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(e.sweep->points[1].difference, 2.5000001);
  EXPECT_EQ(e.cut->rule, "non-differentiable");
  EXPECT_EQ(e.path, (std::vector<std::string>{"w", "r", "loss"}));
  EXPECT_EQ(e.reason, "kink");
  // Where they are: the header lists the mutants, the trailer the runs.
  EXPECT_TRUE(nlohmann::json::parse(text.substr(0, text.find('\n'))).contains("mutants"));
  EXPECT_TRUE(nlohmann::json::parse(text.substr(text.rfind('\n', text.size() - 2) + 1)).contains("runs"));
}

TEST(FindingsLog, WithoutTheOptionalDataNothingIsWritten) {
  FindingsLog log = corpus_log();
  for (FindingRecord& f : log.findings) f.evidence = {};
  const std::string text = to_jsonl(log);
  for (const char* key : {"\"evidence\"", "\"annotations\"", "\"runs\"", "\"mutants\""})
    EXPECT_EQ(text.find(key), std::string::npos) << key;
}

TEST(FindingsLog, EntriesAboveTheCapAreNotWritten) {
  FindingsLog log = corpus_log();
  EntryValues big;
  big.shape = {static_cast<std::int64_t>(kMaxLoggedEntries) + 1};
  big.engine.assign(kMaxLoggedEntries + 1, 1.0);
  big.oracle = big.engine;
  log.findings.front().evidence.entries = big;
  log.findings.front().evidence.reason = "kink";
  const FindingsLog back = parse_findings_log(to_jsonl(log), "x");
  EXPECT_FALSE(back.findings.front().evidence.entries);
  EXPECT_EQ(back.findings.front().evidence.reason, "kink");
  big.engine.pop_back();
  big.oracle.pop_back();
  log.findings.front().evidence.entries = big;
  EXPECT_TRUE(parse_findings_log(to_jsonl(log), "x").findings.front().evidence.entries);
}

// `text` with the first occurrence of `from` replaced by `to` (which must be there).
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(FindingsLog, MalformedOptionalDataNamesItsLine) {
  const std::string text = to_jsonl(log_with_report_data());
  // Line 1 header, line 2 graph 0, line 3 its first finding (the one with evidence).
  const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> cases = {
      {{"\"kind\":\"element\"", "\"kind\":\"pixel\""}, "log.jsonl:3: evidence.entries: field \"kind\""},
      {{"\"oracle\":[1.0,2.5,3.0,\"-inf\"]", "\"oracle\":[1.0,2.5]"}, "log.jsonl:3: evidence.entries: field \"oracle\" has 2"},
      {{"\"engine\":[1.0,2.0,\"nan\",\"inf\"]", "\"engine\":[1.0,2.0,\"nan\",\"lots\"]"},
       "log.jsonl:3: evidence.entries: field \"engine\" must be a number"},
      {{"\"inconclusive\":[2]", "\"inconclusive\":[7]"}, "log.jsonl:3: evidence.entries: field \"inconclusive\" names entry 7"},
      {{"\"points\":[", "\"points\":[3,"}, "log.jsonl:3: evidence.step_sweep: field \"points\""},
      {{"\"rule\":\"non-differentiable\"", "\"rule\":4"}, "log.jsonl:3: evidence.cut: field \"rule\" must be a string"},
      {{"\"path\":[\"w\"", "\"path\":[1"}, "log.jsonl:3: evidence: field \"path\""},
      {{"\"node_values\":{\"x\":\"f32[3] 0.5 -1 2\"", "\"node_values\":{\"x\":0.5"},
       ": annotations: field \"node_values\""},
      {{"\"bug_class\":\"broadcast gradient not reduced\"", "\"bug_class\":[]"}, "log.jsonl:1: mutants: field \"bug_class\""},
      {{"\"first_graph\":1", "\"first_graph\":\"one\""}, ": runs: field \"first_graph\" must be an integer"},
      {{"\"first_graph\":1", "\"first_graph\":2"}, ": the trailer's run \"injected fault: add\" covers graphs 2 to 2"},
  };
  for (const auto& [edit, message] : cases)
    EXPECT_NE(expect_parse_error(edited(text, edit.first, edit.second)).find(message), std::string::npos)
        << edit.second << " -> " << expect_parse_error(edited(text, edit.first, edit.second));
}

// The text of `log` without its trailer: what an interrupted campaign leaves.
std::string without_trailer(const FindingsLog& log) {
  FindingsLog open = log;
  open.complete = false;
  return to_jsonl(open);
}

TEST(FindingsLog, WithoutTrailerReadsAsInterrupted) {
  const FindingsLog log = corpus_log();
  const std::string text = without_trailer(log);
  const FindingsLog back = parse_findings_log(text, "x");
  EXPECT_FALSE(back.complete);
  EXPECT_EQ(back.graphs.size(), 2u);
  EXPECT_EQ(back.findings.size(), log.findings.size());
  EXPECT_EQ(to_jsonl(back), text);  // an interrupted log round-trips too
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(FindingsLog, ATornEndIsAnErrorAtItsLineSayingHowToRepairIt) {
  const FindingsLog log = corpus_log();
  const std::string text = without_trailer(log);
  const std::size_t second_graph = text.find(R"("graph":1)");
  const std::size_t second_start = text.rfind('\n', second_graph) + 1;
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  auto error_of = [](const std::string& cut) {
    try {
      parse_findings_log(cut, "x");
    } catch (const ReportError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // Cut a few characters into the last line: a write that stopped half-way.
  const std::string half_line = error_of(text.substr(0, text.rfind('\n') - 10));
  EXPECT_TRUE(contains(half_line, "x:" + std::to_string(lines) + ": the last line is incomplete")) << half_line;
  EXPECT_TRUE(contains(half_line, "--resume")) << half_line;
  // Cut at a line boundary inside the second graph's findings: finding_count tells.
  const std::size_t line_cut = text.rfind('\n', text.size() - 2) + 1;
  EXPECT_TRUE(contains(error_of(text.substr(0, line_cut)), "graph 1 has")) << error_of(text.substr(0, line_cut));
  // A malformed line that is not the last is an error, as before.
  EXPECT_THROW(parse_findings_log(text.substr(0, second_start) + "{oops\n" + text.substr(second_start), "x"),
               ReportError);
}

TEST(FindingsLog, VersionOneLogsAreReadAsComplete) {
  const std::string v1 =
      R"({"format":"tapecheck-findings","type":"header","version":1})" "\n"
      R"({"type":"graph","graph":0,"engine":"e","seed":0,"tcg":"","verdict":"agree"})" "\n"
      R"({"type":"finding","graph":0,"oracle":"connectivity","gradient":0,"outcome":"agree"})" "\n";
  const FindingsLog log = parse_findings_log(v1, "old.jsonl");
  EXPECT_TRUE(log.complete);
  EXPECT_EQ(log.graphs.size(), 1u);
  EXPECT_EQ(log.findings.size(), 1u);
  EXPECT_TRUE(log.campaign.is_null());
}

TEST(LogAppender, WritesWhatToJsonlWritesOneGraphAtATime) {
  test::TempDir dir;
  FindingsLog log = corpus_log();
  log.campaign = {{"seed", 3}};
  const std::string path = dir.file("findings.jsonl");
  {
    LogAppender out = LogAppender::create(path, log.campaign);
    for (const GraphRecord& g : log.graphs) {
      std::vector<FindingRecord> mine;
      for (const FindingRecord& f : log.findings)
        if (f.graph == g.id) mine.push_back(f);
      out.append(g, mine, g.id == 0);
      EXPECT_FALSE(read_findings_log(path).complete);
      EXPECT_EQ(read_findings_log(path).graphs.size(), static_cast<std::size_t>(g.id + 1));
    }
    EXPECT_THROW(out.append(log.graphs[0], {}, false), ReportError);  // id 0 again
    out.finish();
    EXPECT_THROW(out.append(log.graphs[1], {}, false), ReportError);  // after the trailer
  }
  EXPECT_EQ(read_file(path), to_jsonl(log));
}

TEST(LogAppender, ResumeCutsTheTornEndAndContinues) {
  test::TempDir dir;
  FindingsLog log = corpus_log();
  const std::string path = dir.file("findings.jsonl");
  const std::string whole = to_jsonl(log);
  const std::string open = without_trailer(log);
  // Interrupted inside the second graph's lines.
  std::ofstream(path, std::ios::binary) << open.substr(0, open.rfind('\n') - 5);
  FindingsLog read;
  {
    LogAppender out = LogAppender::resume(path, read);
    ASSERT_EQ(read.graphs.size(), 1u);
    EXPECT_EQ(out.next_id(), 1);
    out.append(log.graphs[1], findings_of(log, 1), false);
    out.finish();
  }
  EXPECT_EQ(read_file(path), whole);
  // A complete log resumes to nothing more.
  FindingsLog done;
  LogAppender again = LogAppender::resume(path, done);
  EXPECT_TRUE(done.complete);
  EXPECT_THROW(again.finish(), ReportError);
  EXPECT_EQ(read_file(path), whole);
}

// A long campaign resumes its log condensed (a 10^6-graph log does not fit in memory whole):
// the agreeing graphs' agree and not_applicable findings are counted, not kept — those of the
// torn graph dropped with it — and the trailer still counts every finding in the file.
TEST(LogAppender, ResumeCondensedCountsWhatItOmitsAndTheTrailerEverything) {
  test::TempDir dir;
  FindingsLog log = corpus_log();
  ASSERT_EQ(log.graphs[0].verdict, oracles::Verdict::agree);
  const std::string path = dir.file("findings.jsonl");
  const std::string whole = to_jsonl(log);
  const std::string open = without_trailer(log);
  std::ofstream(path, std::ios::binary) << open.substr(0, open.rfind('\n') - 5);
  FindingsLog read;
  {
    LogAppender out = LogAppender::resume(path, read, 0);
    ASSERT_EQ(read.graphs.size(), 1u);
    EXPECT_EQ(read.finding_count(), findings_of(log, 0).size());
    EXPECT_GT(read.omitted.count, 0);
    EXPECT_TRUE(read.graphs[0].tcg.empty());
    out.append(log.graphs[1], findings_of(log, 1), false);
    out.finish();
  }
  EXPECT_EQ(read_file(path), whole);
  EXPECT_EQ(read_findings_log(path).findings.size(), log.findings.size());
}

TEST(LogAppender, AFullDiskLeavesAValidLogUpToTheLastGraph) {
  test::TempDir dir;
  const FindingsLog log = corpus_log();
  const std::string path = dir.file("findings.jsonl");
  const std::string one_graph = graph_lines(log.graphs[0], {});
  // In a child: a file size limit a little above the header and two graphs (SIGXFSZ ignored,
  // so the write fails with EFBIG instead of killing the process).
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlim_t limit = 200 + 2 * one_graph.size() + one_graph.size() / 2;
    const rlimit r{limit, limit};
    if (::setrlimit(RLIMIT_FSIZE, &r) != 0) ::_exit(10);
    try {
      LogAppender out = LogAppender::create(path, nullptr);
      for (int i = 0; i < 10; ++i) {
        GraphRecord g = log.graphs[0];
        g.id = i;
        out.append(g, {}, false);
      }
      ::_exit(11);  // the limit never cut in
    } catch (const ReportError& e) {
      ::_exit(std::string(e.what()).find("cannot write " + path + ": File too large") == std::string::npos ? 12 : 0);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  const std::string text = read_file(path);
  EXPECT_EQ(text.back(), '\n');
  const FindingsLog back = parse_findings_log(text, path);
  EXPECT_FALSE(back.complete);
  EXPECT_EQ(back.graphs.size(), 2u);
  EXPECT_EQ(text.size(), to_jsonl(FindingsLog{}).find('\n') + 1 + 2 * one_graph.size());
}

TEST(AtomicFile, WritesAndReplaces) {
  test::TempDir dir;
  const std::string path = dir.file("log.jsonl");
  write_file_atomically(path, "one\n");
  EXPECT_EQ(read_file(path), "one\n");
  write_file_atomically(path, "two\n");
  EXPECT_EQ(read_file(path), "two\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"log.jsonl"});  // no temporary left
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(AtomicFile, FailuresLeaveNothingBehind) {
  test::TempDir dir;
  // A missing directory.
  try {
    write_file_atomically(dir.file("missing/log.jsonl"), "x");
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write " + dir.file("missing/log.jsonl")), std::string::npos);
  }
  // A directory as the target.
  std::filesystem::create_directory(dir.file("sub"));
  EXPECT_THROW(write_file_atomically(dir.file("sub"), "x"), ReportError);
  // A read-only directory (unless we are root, who may write anyway).
  std::filesystem::create_directory(dir.file("ro"));
  std::filesystem::permissions(dir.file("ro"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  if (::geteuid() != 0) {
    EXPECT_THROW(write_file_atomically(dir.file("ro/log.jsonl"), "x"), ReportError);
    EXPECT_TRUE(std::filesystem::is_empty(dir.file("ro")));
  }
  std::filesystem::permissions(dir.file("ro"), std::filesystem::perms::owner_all);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"ro", "sub"}));
  EXPECT_THROW(read_file(dir.file("nope")), ReportError);
  EXPECT_THROW(read_file(dir.file("sub")), ReportError);
}

TEST(FindingsLog, WriteAndReadAFile) {
  test::TempDir dir;
  const FindingsLog log = corpus_log();
  write_findings_log(dir.file("findings.jsonl"), log);
  EXPECT_EQ(to_jsonl(read_findings_log(dir.file("findings.jsonl"))), to_jsonl(log));
  try {
    read_findings_log(dir.file("none.jsonl"));
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("none.jsonl"), std::string::npos);
  }
}

}  // namespace
}  // namespace tc::reports
