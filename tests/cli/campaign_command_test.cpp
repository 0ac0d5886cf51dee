// `tapecheck campaign` as a process: SIGINT to its process group and SIGTERM to it alone stop
// it cleanly (exit 130/143, the completed graphs on disk, the report written, no process
// left); a second SIGINT exits at once; SIGKILL leaves no orphan; a full disk stops it with
// the log valid; --resume completes every one of these to the bytes of an uninterrupted run.
// Every wait is for an event (graphs in the log, a process gone), never for a fixed time.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/findings_log.hpp"
#include "support.hpp"
#include "tests/support/untimed.hpp"

namespace {

using namespace tc::cli::test;
using tc::test::untimed_log;
using tc::test::untimed_report;
namespace fs = std::filesystem;

// The corpus (corpus_size() graphs, at least 13) and 6 generated ones; graph 12 hangs when asked
// to, so that a run can be caught with exactly 12 graphs on disk.
constexpr int kHanging = 12;
const std::vector<std::string> kCampaign = {"campaign", "--graphs", "6", "--seed", "5", "--graph-timeout", "600",
                                            "--corpus", TAPECHECK_CORPUS_DIR};

std::string campaign_total() { return std::to_string(corpus_size() + 6); }

std::vector<std::string> campaign_args(const std::string& out, const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = kCampaign;
  args.insert(args.end(), {"--out", out, "--threads", "2"});
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string shell_words(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "'" : " '") + a + "'";
  return s;
}

// The log of the same campaign, run without interruption.
std::string uninterrupted_log(const TempDir& dir) {
  const std::string out = dir.file("whole");
  if (!fs::exists(out + "/findings.jsonl")) {
    const Result r = tapecheck(shell_words(campaign_args(out, {"--quiet"})), dir);
    EXPECT_LE(r.code, 1) << r.err;
  }
  return untimed_log(slurp(out + "/findings.jsonl"));
}

// Starts the campaign with graph kHanging hanging and waits until the graphs before it are on
// disk (the ones after it may be done too, but wait for their turn).
// Graphs whole in the log at `path`: 0 while its end is torn. A graph's lines go to disk in one
// write, which a reader can see half done: its graph line may be there before its findings.
int whole_graphs(const std::string& path) {
  try {
    return static_cast<int>(tc::reports::parse_findings_log(slurp(path), "log").graphs.size());
  } catch (const std::exception&) {
    return 0;
  }
}

// Starts the campaign and returns once the graphs before the hanging one are whole on disk.
// After that the campaign writes nothing until it is stopped, so a SIGKILL cannot tear the log;
// counting graph lines instead once let a SIGKILL land during the 12th graph's write (a torn
// last line, under ASan in a CI run).
std::unique_ptr<Background> start_until_hang(const TempDir& dir, const std::string& out) {
  auto bg = std::make_unique<Background>(campaign_args(out), dir,
                                         Background::Options{{"TAPECHECK_TEST_WORKER_FAULT=hang:" +
                                                              std::to_string(kHanging)}});
  EXPECT_TRUE(eventually([&] { return whole_graphs(out + "/findings.jsonl") >= kHanging; }))
      << "stdout:\n" << bg->out() << "\nstderr:\n" << bg->err();
  return bg;
}

// What every clean stop leaves: a valid log without trailer holding exactly the graphs before
// the hanging one, equal to the start of the uninterrupted log, and the report.
void expect_clean_stop(const TempDir& dir, const std::string& out) {
  const std::string text = slurp(out + "/findings.jsonl");
  const tc::reports::FindingsLog log = tc::reports::parse_findings_log(text, "log");
  EXPECT_FALSE(log.complete);
  EXPECT_EQ(log.graphs.size(), static_cast<std::size_t>(kHanging));
  EXPECT_EQ(uninterrupted_log(dir).rfind(text, 0), 0u) << "not a prefix of the uninterrupted log";
  const std::string html = slurp(out + "/report.html");
  EXPECT_TRUE(contains(html, "This log is incomplete")) << "no report";
}

void expect_resume_completes(const TempDir& dir, const std::string& out) {
  const Result r = tapecheck("campaign --resume '" + out + "' --threads 1", dir);
  EXPECT_LE(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "complete: " + campaign_total() + " of " + campaign_total() + " graphs")) << r.out;
  EXPECT_TRUE(contains(r.out, "resumed at graph " + std::to_string(kHanging))) << r.out;
  EXPECT_EQ(untimed_log(slurp(out + "/findings.jsonl")), uninterrupted_log(dir));
  EXPECT_EQ(untimed_report(slurp(out + "/report.html")), untimed_report(slurp(dir.file("whole/report.html"))));
}

// After an abrupt end: no process of the campaign runs, the log holds the graphs before the
// hanging one, and --resume completes it.
void expect_nothing_left_and_resumable(const TempDir& dir, const std::string& out, const Background& bg) {
  EXPECT_TRUE(eventually([&] { return processes_with_marker(bg.marker()).empty(); }));
  const tc::reports::FindingsLog log = tc::reports::read_findings_log(out + "/findings.jsonl");
  EXPECT_FALSE(log.complete);
  EXPECT_EQ(log.graphs.size(), static_cast<std::size_t>(kHanging));
  expect_resume_completes(dir, out);
}

// Sends `signal` to the campaign (its whole process group, as a terminal does, or the parent
// alone, as a job scheduler may) once 12 graphs are on disk, and checks the clean stop.
void expect_signal_stops_cleanly(int signal, bool to_the_group) {
  TempDir dir;
  const std::string out = dir.file("c");
  auto bg = start_until_hang(dir, out);
  ::kill(to_the_group ? -bg->pid() : bg->pid(), signal);
  const int status = bg->wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 128 + signal) << bg->out() << bg->err();
  const std::string name = signal == SIGINT ? "SIGINT" : "SIGTERM";
  EXPECT_TRUE(contains(bg->out(), "interrupted by " + name + " after 12 of " + campaign_total() + " graphs")) << bg->out();
  EXPECT_TRUE(contains(bg->out(), "tapecheck campaign --resume " + out)) << bg->out();
  EXPECT_TRUE(eventually([&] { return processes_with_marker(bg->marker()).empty(); }));
  expect_clean_stop(dir, out);
  expect_resume_completes(dir, out);
}

TEST(CampaignSignals, SigintToTheJobStopsCleanlyAndResumeCompletesIt) { expect_signal_stops_cleanly(SIGINT, true); }

TEST(CampaignSignals, SigtermToTheParentAloneStopsCleanly) { expect_signal_stops_cleanly(SIGTERM, false); }

TEST(CampaignSignals, ASecondSigintExitsWithTheLogValid) {
  TempDir dir;
  const std::string out = dir.file("c");
  auto bg = start_until_hang(dir, out);
  ::kill(-bg->pid(), SIGINT);
  ::kill(-bg->pid(), SIGINT);  // at once (or after the clean stop, if that came first)
  const int status = bg->wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);
  expect_nothing_left_and_resumable(dir, out, *bg);
}

TEST(CampaignSignals, SigkillOfTheParentLeavesNoWorkerBehind) {
  TempDir dir;
  const std::string out = dir.file("c");
  auto bg = start_until_hang(dir, out);
  ASSERT_FALSE(processes_with_marker(bg->marker()).empty());
  ::kill(bg->pid(), SIGKILL);  // nothing of the parent runs: the workers must go by themselves
  const int status = bg->wait();
  EXPECT_TRUE(WIFSIGNALED(status));
  expect_nothing_left_and_resumable(dir, out, *bg);
}

TEST(CampaignLimits, AFullDiskStopsTheCampaignWithTheLogValid) {
  TempDir dir;
  const std::string whole = uninterrupted_log(dir);
  const std::string out = dir.file("full");
  // A file size limit of half the log stands for a disk that fills up part way.
  Background bg(campaign_args(out), dir, Background::Options{{}, whole.size() / 2});
  const int status = bg.wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 2) << bg.out() << bg.err();
  EXPECT_TRUE(contains(bg.err(), "cannot write " + out + "/findings.jsonl: File too large")) << bg.err();
  EXPECT_TRUE(contains(bg.out(), "stopped after ")) << bg.out();
  EXPECT_TRUE(contains(bg.out(), "tapecheck campaign --resume")) << bg.out();
  const std::string text = slurp(out + "/findings.jsonl");
  const tc::reports::FindingsLog log = tc::reports::parse_findings_log(text, "log");
  EXPECT_FALSE(log.complete);
  EXPECT_GE(log.graphs.size(), 1u);
  EXPECT_EQ(whole.rfind(text, 0), 0u);
  // `tapecheck report` reads the partial log.
  const Result report = tapecheck("report '" + out + "/findings.jsonl' -o '" + dir.file("partial.html") + "'", dir);
  EXPECT_EQ(report.code, 0) << report.err;
  EXPECT_TRUE(contains(report.out, "the log is incomplete")) << report.out;
  // With room again, --resume completes it.
  const Result r = tapecheck("campaign --resume '" + out + "'", dir);
  EXPECT_LE(r.code, 1) << r.err;
  EXPECT_EQ(untimed_log(slurp(out + "/findings.jsonl")), whole);
}

TEST(CampaignLimits, GraphsMeansThatManyGraphs) {
  TempDir dir;
  const Result r = tapecheck("campaign --graphs 30 --seed 2 --threads 2 --out " + dir.file("o"), dir);
  EXPECT_LE(r.code, 1) << r.err;
  const std::string total = std::to_string(corpus_size() + 30);
  EXPECT_TRUE(contains(r.out, "complete: " + total + " of " + total + " graphs")) << r.out;
}

TEST(CampaignLimits, TheTimeLimitSaysWhereItStoppedAndResumeContinues) {
  TempDir dir;
  const std::string out = dir.file("o");
  const Result r = tapecheck(shell_words(campaign_args(out, {"--time-limit", "0.000001"})), dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "stopped by --time-limit after ")) << r.out;
  EXPECT_TRUE(contains(r.out, " of " + campaign_total() + " graphs")) << r.out;
  EXPECT_TRUE(contains(r.out, "continue   tapecheck campaign --resume " + out)) << r.out;
  EXPECT_LE(tapecheck("campaign --resume '" + out + "' --quiet", dir).code, 1);
  EXPECT_EQ(untimed_log(slurp(out + "/findings.jsonl")), uninterrupted_log(dir));
}

TEST(CampaignOutput, JsonSummaryForMachines) {
  TempDir dir;
  const Result r = tapecheck(shell_words(campaign_args(dir.file("o"), {"--json"})), dir);
  ASSERT_LE(r.code, 1) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "complete");
  EXPECT_EQ(j["planned"], corpus_size() + 6);
  EXPECT_EQ(j["done"], corpus_size() + 6);
  EXPECT_EQ(j["exit_code"], r.code);
  EXPECT_EQ(j["log"], dir.file("o") + "/findings.jsonl");
  int graphs = 0;
  for (const auto& [verdict, n] : j["verdicts"].items()) graphs += n.get<int>();
  EXPECT_EQ(graphs, corpus_size() + 6);
  EXPECT_TRUE(j["per_oracle"].contains("connectivity"));
}

TEST(CampaignOutput, QuietSaysNothingButTheExitCode) {
  TempDir dir;
  const Result r = tapecheck(shell_words(campaign_args(dir.file("o"), {"--quiet"})), dir);
  EXPECT_LE(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(tc::reports::read_findings_log(dir.file("o/findings.jsonl")).complete);
}

// The header keeps the corpus as an absolute path: a campaign started with a relative corpus
// resumes from any directory (a soak resumed from its own directory once could not find
// "corpus/graphs").
TEST(CampaignOutput, ResumeFromAnotherDirectoryFindsARelativeCorpus) {
  TempDir dir;
  fs::create_directories(dir.file("started_here/c"));
  for (const auto& e : fs::directory_iterator(TAPECHECK_CORPUS_DIR))
    if (e.path().extension() == ".tcg" && !fs::exists(dir.file("started_here/c/one.tcg")))
      fs::copy_file(e.path(), dir.file("started_here/c/one.tcg"));
  const std::string start = "cd '" + dir.file("started_here") + "' && '" + TAPECHECK_BIN +
                            "' campaign --corpus c --graphs 3 --seed 2 --out o --time-limit 0.000001 --quiet";
  ASSERT_EQ(std::system(start.c_str()), 0);
  const std::string log = slurp(dir.file("started_here/o/findings.jsonl"));
  const nlohmann::json header = nlohmann::json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(header["campaign"]["corpus"], dir.file("started_here/c")) << header.dump();
  const Result r = tapecheck("campaign --resume '" + dir.file("started_here/o") + "' --quiet", dir);
  EXPECT_LE(r.code, 1) << r.err;
  EXPECT_TRUE(tc::reports::read_findings_log(dir.file("started_here/o/findings.jsonl")).complete);
}

TEST(CampaignOutput, ResumeTakesOnlyHowToRun) {
  TempDir dir;
  Result r = tapecheck("campaign --resume '" + dir.file("none") + "'", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, dir.file("none") + "/findings.jsonl")) << r.err;
  r = tapecheck("campaign --resume '" + dir.file("none") + "' --seed 3", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--seed excludes --resume")) << r.err;
}

}  // namespace
