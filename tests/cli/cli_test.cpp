// The tapecheck binary end to end: exit codes (0 no mismatch, 1 mismatch, 2 bad input),
// located error messages, replay/explain output, the campaign's files and the report.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "eut/address_space_cap.hpp"
#include "reports/findings_log.hpp"
#include "support.hpp"
#include "tests/support/untimed.hpp"

namespace {

using namespace tc::cli::test;
using tc::test::untimed_log;
using tc::test::untimed_report;
namespace fs = std::filesystem;

bool digits_then(const std::string& s, std::size_t& i, char end) {
  const std::size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i > start && i < s.size() && s[i++] == end;
}

// `text` holds "<file>:<line>:<column>: ".
bool has_line_col(const std::string& text, const std::string& file) {
  for (std::size_t at = text.find(file + ":"); at != std::string::npos; at = text.find(file + ":", at + 1)) {
    std::size_t i = at + file.size() + 1;
    if (digits_then(text, i, ':') && digits_then(text, i, ':') && i < text.size() && text[i] == ' ') return true;
  }
  return false;
}

TEST(Replay, CorpusGraphAgrees) {
  TempDir dir;
  const Result r = tapecheck("replay " + corpus("round_in_loss"), dir);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "%w")) << r.out;
  EXPECT_TRUE(contains(r.out, "%b")) << r.out;
  EXPECT_TRUE(contains(r.out, "None: ")) << r.out;            // %w: the None explanation
  EXPECT_TRUE(contains(r.out, "max error 0 (relative 0), tolerance ")) << r.out;  // %b: the numbers
  EXPECT_TRUE(contains(r.out, "verdict: agree")) << r.out;
}

TEST(Replay, JsonIsOneObjectWithFindings) {
  TempDir dir;
  const Result r = tapecheck("replay --json --seed 5 " + corpus("broadcasting_add"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "agree");
  EXPECT_EQ(j["seed"], 5);
  EXPECT_EQ(j["name"], "broadcasting_add");
  EXPECT_FALSE(j["findings"].empty());
  EXPECT_EQ(j["sources"].size(), 2u);
  // The same seed gives the same output.
  EXPECT_EQ(tapecheck("replay --json --seed 5 " + corpus("broadcasting_add"), dir).out, r.out);
}

TEST(Replay, SyntaxErrorNamesFileLineAndColumn) {
  TempDir dir;
  const std::string bad = dir.write("bad.tcg", "tape t\ninput %x: f64[2] variable values(1, 2)\n%y = exp %x %x %%\n");
  const Result r = tapecheck("replay " + bad, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has_line_col(r.err, bad)) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(Replay, ValidationErrorNamesTheToken) {
  TempDir dir;
  const std::string bad = dir.write("undefined.tcg",
                                    "input %x: f64[2] variable values(1, 2)\n"
                                    "tape t\n"
                                    "record t {\n"
                                    "  %y = exp %nope\n"
                                    "}\n");
  const Result r = tapecheck("replay " + bad, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, bad + ":4:")) << r.err;
}

TEST(Replay, MissingFileAndUsageErrors) {
  TempDir dir;
  Result r = tapecheck("replay " + dir.file("nope.tcg"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, dir.file("nope.tcg"))) << r.err;
  EXPECT_TRUE(contains(r.err, "No such file")) << r.err;
  r = tapecheck("replay", dir);  // no FILE
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(r.err.empty());
  r = tapecheck("replay " + dir.path, dir);  // a directory
  EXPECT_EQ(r.code, 2);
  r = tapecheck("no-such-command", dir);
  EXPECT_EQ(r.code, 2);
  r = tapecheck("replay --seed banana " + corpus("round_in_loss"), dir);
  EXPECT_EQ(r.code, 2);
}

TEST(Replay, BinaryGarbageIsBadInputNotACrash) {
  TempDir dir;
  const std::string bad = dir.write("garbage.tcg", std::string("\x00\xff\xfe{{{%%%\n\x01", 12));
  const Result r = tapecheck("replay " + bad, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, bad + ":")) << r.err;
}

TEST(Explain, EngineAndPredictionSideBySide) {
  TempDir dir;
  const Result r = tapecheck("explain " + corpus("stop_gradient_only_path"), dir);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "gradient 0: grad t %loss wrt %w, %v")) << r.out;
  EXPECT_TRUE(contains(r.out, "engine:    None")) << r.out;
  EXPECT_TRUE(contains(r.out, "predicted: d loss / d w is None") || contains(r.out, "predicted: d %loss / d %w is None"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "stop_gradient")) << r.out;
  EXPECT_TRUE(contains(r.out, "engine:    f64[3] = [")) << r.out;
  EXPECT_FALSE(contains(r.out, "disagree")) << r.out;
}

TEST(Explain, BadInput) {
  TempDir dir;
  const std::string bad = dir.write("bad.tcg", "graph g\ninput %x f64[2]\n");
  const Result r = tapecheck("explain " + bad, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, bad + ":2:")) << r.err;
}

TEST(Campaign, WritesLogAndReport) {
  TempDir dir;
  const std::string out = dir.file("camp");
  const Result r = tapecheck("campaign --graphs 4 --seed 1 --threads 2 --out " + out, dir);
  // 0 or 1: whether the engine has a mismatch is not the CLI's business here.
  ASSERT_TRUE(r.code == 0 || r.code == 1) << r.code << r.out << r.err;
  const std::string total = std::to_string(corpus_size() + 4);
  EXPECT_TRUE(contains(r.out, "complete: " + total + " of " + total + " graphs")) << r.out;
  EXPECT_TRUE(contains(r.out, std::to_string(corpus_size()) + " corpus, 4 generated")) << r.out;
  EXPECT_TRUE(contains(r.out, out + "/report.html")) << r.out;
  EXPECT_LT(r.out.find('\n'), 100u) << "a table of short lines, not one long one:\n" << r.out;
  const tc::reports::FindingsLog log = tc::reports::read_findings_log(out + "/findings.jsonl");
  EXPECT_EQ(log.graphs.size(), static_cast<std::size_t>(corpus_size() + 4));
  EXPECT_TRUE(log.complete);
  EXPECT_FALSE(log.findings.empty());
  bool mismatch = false;
  for (const auto& g : log.graphs) mismatch |= g.verdict == tc::oracles::Verdict::mismatch;
  EXPECT_EQ(r.code == 1, mismatch);
  const std::string html = slurp(out + "/report.html");
  for (const char* s : {"<!DOCTYPE html>", "id=\"summary\"", "id=\"mismatches\"", "id=\"coverage\"",
                        "id=\"graphs\"", "</html>"})
    EXPECT_TRUE(contains(html, s)) << s;
  EXPECT_FALSE(contains(html, "<script src"));  // inline only: the report fetches nothing
  EXPECT_FALSE(contains(html, "src="));
  // Only the two files, no temporaries — and graphs/ with the graphs to replay: the S14 seed's,
  // whose run stops with the error it is about (no_gradients), and any mismatch.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"findings.jsonl", "graphs", "report.html"}));
  for (const auto& g : log.graphs) {
    if (g.annotations.tcg_file.empty()) continue;
    EXPECT_TRUE(g.verdict == tc::oracles::Verdict::mismatch ||
                (g.run.error && g.run.error->kind == tc::eut::ErrorKind::no_gradients))
        << g.name << " saved as " << g.annotations.tcg_file;
  }
}

TEST(Campaign, DeterministicForASeed) {
  TempDir dir;
  const int a = tapecheck("campaign --graphs 3 --seed 9 --threads 1 --out " + dir.file("a"), dir).code;
  const int b = tapecheck("campaign --graphs 3 --seed 9 --threads 2 --out " + dir.file("b"), dir).code;
  ASSERT_LE(a, 1);
  EXPECT_EQ(a, b);
  // Byte for byte but for how each run went (its workers and time: tests/support/untimed.hpp).
  EXPECT_EQ(untimed_log(slurp(dir.file("a/findings.jsonl"))), untimed_log(slurp(dir.file("b/findings.jsonl"))));
  EXPECT_EQ(untimed_report(slurp(dir.file("a/report.html"))), untimed_report(slurp(dir.file("b/report.html"))));
}

TEST(Campaign, UnwritableOutputIsBadInput) {
  TempDir dir;
  const std::string file = dir.write("plain-file", "x");
  Result r = tapecheck("campaign --graphs 0 --out " + file + "/sub", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "cannot create output directory")) << r.err;
  r = tapecheck("campaign --graphs 0 --corpus " + dir.file("no-corpus") + " --out " + dir.file("o"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "no-corpus")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("o/findings.jsonl")));
}

TEST(Campaign, MalformedCorpusFileIsLocated) {
  TempDir dir;
  fs::create_directory(dir.file("corpus"));
  dir.write("corpus/a.tcg", "input %x: f64[2] variable values(1, 2)\ntape t\nrecord t {\n  %y = exp %x\n}\n"
                           "%g = grad t %y wrt %x\n");
  dir.write("corpus/b.tcg", "tape t\nrecord t {\n");
  const Result r = tapecheck("campaign --graphs 0 --corpus " + dir.file("corpus") + " --out " + dir.file("o"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, dir.file("corpus/b.tcg") + ":")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("o/findings.jsonl")));
}

TEST(Campaign, ACrashingOrHangingGraphIsAFindingNotTheEnd) {
  TempDir dir;
  // Graph 1 of the corpus crashes its worker, graph 2 hangs: both are reported, the rest run.
  const Result r = tapecheck("campaign --graphs 0 --graph-timeout 3 --threads 2 --out " + dir.file("c"), dir,
                             "TAPECHECK_TEST_WORKER_FAULT=crash:1");
  ASSERT_LE(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "(1 crashed, 0 timed out)")) << r.out;
  const tc::reports::FindingsLog log = tc::reports::read_findings_log(dir.file("c/findings.jsonl"));
  ASSERT_GE(log.graphs.size(), 3u);
  const auto& crashed = log.graphs[1];
  EXPECT_EQ(crashed.verdict, tc::oracles::Verdict::error_raised);
  ASSERT_TRUE(crashed.run.error.has_value());
  EXPECT_EQ(crashed.run.error->kind, "crash");
  // "signal 11 (Segmentation fault)"; under ASan, whose handler exits instead: "exit status 1".
  EXPECT_TRUE(contains(crashed.run.error->message, "signal 11") || contains(crashed.run.error->message, "exit status"))
      << crashed.run.error->message;
  EXPECT_FALSE(crashed.tcg.empty());
  EXPECT_FALSE(crashed.name.empty());
  EXPECT_NE(log.graphs[0].verdict, tc::oracles::Verdict::error_raised);
  EXPECT_NE(log.graphs[2].verdict, tc::oracles::Verdict::error_raised);
  const std::string html = slurp(dir.file("c/report.html"));
  EXPECT_TRUE(contains(html, crashed.run.error->message));

  const Result h = tapecheck("campaign --graphs 0 --graph-timeout 2 --threads 2 --out " + dir.file("h"), dir,
                             "TAPECHECK_TEST_WORKER_FAULT=hang:2");
  ASSERT_LE(h.code, 1) << h.out << h.err;
  const tc::reports::FindingsLog hl = tc::reports::read_findings_log(dir.file("h/findings.jsonl"));
  ASSERT_GE(hl.graphs.size(), 3u);
  ASSERT_TRUE(hl.graphs[2].run.error.has_value());
  EXPECT_EQ(hl.graphs[2].run.error->kind, "timeout");
  EXPECT_FALSE(hl.graphs[1].run.error.has_value());
}

TEST(Report, FromALog) {
  TempDir dir;
  ASSERT_LE(tapecheck("campaign --graphs 0 --out " + dir.file("c"), dir).code, 1);
  const Result r = tapecheck("report " + dir.file("c/findings.jsonl") + " -o " + dir.file("r.html"), dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote " + dir.file("r.html"))) << r.out;
  const std::string html = slurp(dir.file("r.html"));
  EXPECT_TRUE(contains(html, "Op coverage"));
  EXPECT_FALSE(contains(html, "<script src"));  // inline only: the report fetches nothing
}

TEST(Report, MalformedLogIsLocatedAndWritesNothing) {
  TempDir dir;
  const std::string log = dir.write("bad.jsonl",
                                    "{\"type\":\"header\",\"format\":\"tapecheck-findings\",\"version\":1}\n"
                                    "{\"type\":\"graph\", oops}\n");
  Result r = tapecheck("report " + log + " -o " + dir.file("r.html"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, log + ":2:")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("r.html")));
  r = tapecheck("report " + dir.file("missing.jsonl"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "missing.jsonl")) << r.err;
}

TEST(Report, UnwritableOutputLeavesNothing) {
  TempDir dir;
  ASSERT_LE(tapecheck("campaign --graphs 0 --out " + dir.file("c"), dir).code, 1);
  const Result r = tapecheck("report " + dir.file("c/findings.jsonl") + " -o " + dir.file("nodir/r.html"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "cannot write " + dir.file("nodir/r.html"))) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("nodir")));
}

TEST(InputEdges, AGraphWithNothingToCheckIsBadInput) {
  TempDir dir;
  const std::string none = dir.write("none.tcg", "input %x: f64[2] variable values(1, 2)\ntape t\n"
                                                 "record t {\n  %y = exp %x\n}\n");
  const std::string empty = dir.write("empty.tcg", "");
  for (const std::string& file : {none, empty})
    for (const char* command : {"replay ", "explain "}) {
      const Result r = tapecheck(command + file, dir);
      EXPECT_EQ(r.code, 2) << command << file;
      EXPECT_TRUE(contains(r.err, file + ": nothing to check: the graph requests no gradient")) << r.err;
      EXPECT_TRUE(r.out.empty()) << r.out;
    }
}

TEST(InputEdges, OutOfRangeLiteralsAreLocatedErrors) {
  TempDir dir;
  const std::string huge = dir.write("huge.tcg", "input %x: f64[2] variable values(1, 1e999)\ntape t\n"
                                                 "record t {\n  %y = exp %x\n}\n%g = grad t %y wrt %x\n");
  Result r = tapecheck("replay " + huge, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, huge + ":1:37: number '1e999' is out of range for a double")) << r.err;
  const std::string f32 = dir.write("f32.tcg", "input %x: f32[2] variable values(1e300, 1)\ntape t\n"
                                               "record t {\n  %y = exp %x\n}\n%g = grad t %y wrt %x\n");
  r = tapecheck("replay " + f32, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, f32 + ":1:34: number '1e300' is out of range for f32")) << r.err;
}

TEST(InputEdges, JsonSyntaxErrorsAreLocatedInOurWords) {
  TempDir dir;
  const std::string bad = dir.write("g.json", "{\n  \"inputs\": [,]\n}\n");
  const Result r = tapecheck("replay " + bad, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, bad + ":2:14: unexpected ','")) << r.err;
  EXPECT_FALSE(contains(r.err, "json.exception")) << r.err;
}

TEST(InputEdges, OptionValuesSayWhatIsWrong) {
  TempDir dir;
  Result r = tapecheck("campaign --graphs abc --out " + dir.file("o"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--graphs: 'abc' is not a whole number")) << r.err;
  r = tapecheck("campaign --graphs 2000000 --out " + dir.file("o"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--graphs: 2000000 is not between 0 and 1000000")) << r.err;
  for (const char* command : {"campaign --graphs 0 --out " , "replay "}) {
    r = tapecheck(std::string(command) + (command[0] == 'c' ? dir.file("o") : corpus("round_in_loss")) + " --seed -1",
                  dir);
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_TRUE(contains(r.err, "--seed: -1 is negative")) << r.err;
  }
  r = tapecheck("replay --seed banana " + corpus("round_in_loss"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--seed: 'banana' is not a whole number")) << r.err;
  r = tapecheck("campaign --time-limit soon --out " + dir.file("o"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--time-limit: 'soon' is not a number")) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("o")));
}

TEST(InputEdges, AnUnknownCommandListsTheCommands) {
  TempDir dir;
  for (const std::string& args : {std::string("campain"), std::string("")}) {
    const Result r = tapecheck(args, dir);
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.err, args.empty() ? "a command is required" : "unknown command 'campain'")) << r.err;
    EXPECT_TRUE(contains(r.err, "ops, replay, explain, campaign, report")) << r.err;
  }
}

TEST(Version, PrintsTheVersion) {
  TempDir dir;
  const Result r = tapecheck("--version", dir);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("tapecheck ", 0), 0u) << r.out;
  EXPECT_TRUE(contains(r.out, TAPECHECK_VERSION)) << r.out;
}

// A valid graph that takes long: a 1024x1024 matmul checked by every oracle.
std::string big_graph(const TempDir& dir) {
  return dir.write("big.tcg",
                   "graph big_matmul\n"
                   "input %a: f64[1024,1024] variable uniform(-1, 1) seed=1\n"
                   "input %b: f64[1024,1024] variable uniform(-1, 1) seed=2\n"
                   "tape t\n"
                   "record t {\n  %c = matmul %a %b\n  %loss = reduce_sum %c axes=[] keepdims=false\n}\n"
                   "%ga, %gb = grad t %loss wrt %a, %b\n");
}

TEST(Limits, ReplayAndExplainStopAtTheTimeLimit) {
  TempDir dir;
  const std::string big = big_graph(dir);
  for (const char* command : {"replay ", "explain "}) {
    const Result r = tapecheck(command + big + " --time-limit 0.2", dir);
    EXPECT_EQ(r.code, 4) << command << r.out << r.err;
    EXPECT_TRUE(contains(r.err, big + ": stopped after 0.2 s (--time-limit)")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(Limits, ReplayUnderAMemoryLimitReportsTheFailedAllocation) {
  if (tc::eut::address_space_cap_unsupported()) GTEST_SKIP() << "no address-space cap under ASan";
  TempDir dir;
  const Result r = tapecheck("replay " + big_graph(dir) + " --memory-limit 16", dir);
  EXPECT_EQ(r.code, 0) << r.err;  // no mismatch: the engine raised an error, which is an outcome
  EXPECT_TRUE(contains(r.out, "bad_alloc")) << r.out;
  EXPECT_TRUE(contains(r.out, "verdict: error_raised")) << r.out;
}

TEST(Help, ListsEveryCommand) {
  TempDir dir;
  const Result r = tapecheck("--help", dir);
  EXPECT_EQ(r.code, 0);
  for (const char* c : {"ops", "replay", "explain", "campaign", "report"}) EXPECT_TRUE(contains(r.out, c)) << c;
}

}  // namespace
