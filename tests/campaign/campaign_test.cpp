// campaign/campaign: the driver without the CLI — the log in graph order whatever the thread
// count, crashes and hangs as findings, the engine from its factory, and every way of stopping
// (a signal, the time limit, a full disk) leaving a valid log that resume_campaign completes to
// the bytes of an uninterrupted run.
#include "campaign/campaign.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <utility>

#include "campaign/graph_file.hpp"
#include "campaign/graph_record.hpp"
#include "eut/engines.hpp"
#include "reports/findings_log.hpp"
#include "support.hpp"
#include "tests/support/untimed.hpp"

namespace tc::campaign {
namespace {

namespace fs = std::filesystem;
using test::slurp;
using tc::test::untimed_log;
using tc::test::untimed_report;

// A small campaign: two corpus graphs and a few small generated ones.
struct Fixture {
  test::TempDir dir;
  CampaignOptions options;
  Fixture() {
    fs::create_directory(dir.file("corpus"));
    for (const char* name : {"round_in_loss", "broadcasting_add"})
      fs::copy_file(std::string(TAPECHECK_CORPUS_DIR) + "/" + name + ".tcg", dir.file("corpus/") + name + ".tcg");
    options.corpus = dir.file("corpus");
    options.graphs = 6;
    options.seed = 4;
    options.max_size = 8;
  }
  RunSettings settings(const std::string& out, int threads) const {
    RunSettings s;
    s.out_dir = dir.file(out);
    s.threads = threads;
    s.dot = "/nonexistent/dot";  // drawings are not what these tests look at
    return s;
  }
};

EngineFactory reference() {
  return [] { return eut::make_reference_engine(); };
}

// The test hook of graph_worker.hpp, for the duration of a scope.
struct WorkerFault {
  explicit WorkerFault(const char* faults) { ::setenv("TAPECHECK_TEST_WORKER_FAULT", faults, 1); }
  ~WorkerFault() { ::unsetenv("TAPECHECK_TEST_WORKER_FAULT"); }
};

TEST(Campaign, TheLogIsTheSameWhateverTheThreadCount) {
  Fixture f;
  const CampaignResult one = run_campaign(f.options, reference(), f.settings("one", 1));
  const CampaignResult three = run_campaign(f.options, reference(), f.settings("three", 3));
  EXPECT_EQ(one.stop, Stop::complete);
  EXPECT_EQ(one.planned, 8u);
  EXPECT_EQ(one.done, 8u);
  EXPECT_EQ(one.corpus_done, 2u);
  EXPECT_EQ(one.generated_done, 6u);
  EXPECT_EQ(three.threads, 3);
  EXPECT_TRUE(one.report_error.empty()) << one.report_error;
  const std::string log = slurp(one.log_path);
  EXPECT_EQ(untimed_log(log), untimed_log(slurp(three.log_path)));
  EXPECT_EQ(untimed_report(slurp(one.report_path)), untimed_report(slurp(three.report_path)));
  const reports::FindingsLog read = reports::parse_findings_log(log, "x");
  EXPECT_TRUE(read.complete);
  ASSERT_EQ(read.graphs.size(), 8u);
  EXPECT_EQ(read.graphs[0].origin, f.dir.file("corpus/broadcasting_add.tcg"));
  EXPECT_EQ(read.campaign, to_json(f.options, 8));
  int verdicts = 0;
  for (int v : one.verdicts) verdicts += v;
  EXPECT_EQ(verdicts, 8);
  EXPECT_EQ(one.findings, read.findings.size());
}

// --shard I/N: shard k's graph j is the whole campaign's graph k + jN, its log lines the same
// bytes but for the id, its saved graphs under the same names; N shards hold every graph once.
// On a mutant, so that mismatches, their findings and shrunk graphs are compared too.
TEST(Campaign, ShardsTogetherAreTheWholeCampaign) {
  Fixture f;
  f.options.graphs = 9;
  f.options.engine = "mutant:sub_sign_flipped";
  // Shrinking stops at its check budget or at the graph's deadline, whichever comes first: a
  // deadline far away leaves the budget to decide, so a loaded machine shrinks as an idle one.
  f.options.graph_timeout = 600;
  f.options.shrink_budget = 40;
  const EngineFactory factory = eut::engine_factory(f.options.engine);
  const CampaignResult whole = run_campaign(f.options, factory, f.settings("whole", 2));
  const reports::FindingsLog all = reports::read_findings_log(whole.log_path);
  ASSERT_EQ(all.graphs.size(), 11u);
  auto lines = [](reports::GraphRecord g, const reports::FindingsLog& log, int id_in_log, int id) {
    std::vector<reports::FindingRecord> mine;
    for (reports::FindingRecord fr : log.findings)
      if (fr.graph == id_in_log) {
        fr.graph = id;
        mine.push_back(fr);
      }
    g.id = id;
    return reports::graph_lines(g, mine);
  };
  constexpr int kShards = 3;
  std::size_t seen = 0, saved = 0;
  for (int k = 0; k < kShards; ++k) {
    CampaignOptions o = f.options;
    o.shard = k;
    o.shards = kShards;
    const CampaignResult part = run_campaign(o, factory, f.settings("shard" + std::to_string(k), 2));
    EXPECT_EQ(part.stop, Stop::complete);
    const reports::FindingsLog log = reports::read_findings_log(part.log_path);
    EXPECT_EQ(log.campaign.at("shard"), k);
    EXPECT_EQ(log.campaign.at("shards"), kShards);
    EXPECT_NE(slurp(part.log_path).find("\"label\":\"mutant:sub_sign_flipped shard " + std::to_string(k) + "/3\""),
              std::string::npos);  // the run says which shard it was
    for (const reports::GraphRecord& g : log.graphs) {
      const int global = k + kShards * g.id;
      ASSERT_LT(static_cast<std::size_t>(global), all.graphs.size());
      EXPECT_EQ(lines(g, log, g.id, global), lines(all.graphs[static_cast<std::size_t>(global)], all, global, global));
      if (!g.annotations.tcg_file.empty()) {
        ++saved;
        EXPECT_EQ(slurp(f.dir.file("shard" + std::to_string(k) + "/" + g.annotations.tcg_file)),
                  slurp(f.dir.file("whole/" + g.annotations.tcg_file)));
      }
      ++seen;
    }
  }
  EXPECT_EQ(seen, all.graphs.size());
  EXPECT_GT(saved, 0u);  // the mutant's mismatches were among the graphs compared
  EXPECT_EQ(whole.verdicts[static_cast<int>(oracles::Verdict::mismatch)] > 0, true);
}

TEST(Campaign, CrashingAndHangingGraphsAreFindingsAndKeepTheirPlace) {
  Fixture f;
  // Generous beside the other graphs' tens of milliseconds, even under ASan on a loaded machine.
  f.options.graph_timeout = 4;
  WorkerFault fault("crash:1,hang:2");
  const CampaignResult one = run_campaign(f.options, reference(), f.settings("one", 1));
  const CampaignResult three = run_campaign(f.options, reference(), f.settings("three", 3));
  EXPECT_EQ(one.stop, Stop::complete);
  EXPECT_EQ(one.crashed, 1);
  EXPECT_EQ(one.timed_out, 1);
  EXPECT_EQ(untimed_log(slurp(one.log_path)), untimed_log(slurp(three.log_path)));
  const reports::FindingsLog log = reports::read_findings_log(three.log_path);
  ASSERT_EQ(log.graphs.size(), 8u);
  ASSERT_TRUE(log.graphs[1].run.error.has_value());
  // Under ASan the crash is an exit (its SIGSEGV handler exits); either way a crash.
  EXPECT_EQ(log.graphs[1].run.error->kind, eut::ErrorKind::crash);
  ASSERT_TRUE(log.graphs[2].run.error.has_value());
  EXPECT_EQ(log.graphs[2].run.error->kind, eut::ErrorKind::timeout);
  for (std::size_t i : {0u, 3u, 4u, 5u, 6u, 7u}) EXPECT_FALSE(log.graphs[i].run.error.has_value()) << i;
}

// A worker killed by SIGTERM from outside (soak run 5: a SIGINT meant for the campaign reached
// a worker) is not a crash of its graph: the graph is checked again, and the log is the one
// an undisturbed campaign writes.
TEST(Campaign, AWorkerKilledFromOutsideIsCheckedAgainNotACrash) {
  Fixture f;
  const CampaignResult calm = run_campaign(f.options, reference(), f.settings("calm", 2));
  CampaignResult disturbed;
  {
    WorkerFault fault("stopped-once:3");
    disturbed = run_campaign(f.options, reference(), f.settings("disturbed", 2));
  }
  const std::filesystem::path marker =
      std::filesystem::temp_directory_path() / ("tapecheck-stopped-once-" + std::to_string(::getpid()) + "-3");
  EXPECT_TRUE(std::filesystem::exists(marker)) << "the fault did not fire";
  std::filesystem::remove(marker);
  EXPECT_EQ(disturbed.stop, Stop::complete);
  EXPECT_EQ(disturbed.crashed, 0);
  EXPECT_EQ(disturbed.done, calm.done);
  EXPECT_EQ(untimed_log(slurp(disturbed.log_path)), untimed_log(slurp(calm.log_path)));
}

// The reference engine under another name: what the factory makes is what the workers run.
class Renamed : public eut::EngineUnderTest {
 public:
  std::string name() const override { return "renamed"; }
  eut::RunResult run(const graph::Graph& g, const eut::InputValues& inputs) override { return inner_->run(g, inputs); }
  std::optional<std::map<std::string, eut::Value>> jvp(const graph::Graph& g, const eut::InputValues& inputs,
                                                       const eut::InputValues& tangents) override {
    return inner_->jvp(g, inputs, tangents);
  }

 private:
  std::unique_ptr<eut::EngineUnderTest> inner_ = eut::make_reference_engine();
};

TEST(Campaign, TheEngineComesFromTheFactory) {
  Fixture f;
  f.options.graphs = 1;
  f.options.engine = "renamed";
  const CampaignResult r =
      run_campaign(f.options, [] { return std::make_unique<Renamed>(); }, f.settings("out", 2));
  const reports::FindingsLog log = reports::read_findings_log(r.log_path);
  ASSERT_EQ(log.graphs.size(), 3u);
  for (const reports::GraphRecord& g : log.graphs) EXPECT_EQ(g.engine, "renamed");
  EXPECT_EQ(log.campaign["engine"], "renamed");
}

TEST(Campaign, ProgressCountsEveryGraph) {
  Fixture f;
  std::vector<Progress> seen;
  const CampaignResult r =
      run_campaign(f.options, reference(), f.settings("out", 2), [&](const Progress& p) { seen.push_back(p); });
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1].done, seen[i].done);
  EXPECT_EQ(seen.back().done, 8u);
  EXPECT_EQ(seen.back().planned, 8u);
  EXPECT_EQ(seen.back().mismatches, static_cast<std::size_t>(r.verdicts[1]));
  EXPECT_FALSE(seen.back().op_mix.empty());
  EXPECT_EQ(seen.back().op_mix_graphs, 8u);
}

TEST(Campaign, AnInterruptedCampaignResumesToTheUninterruptedLog) {
  Fixture f;
  const CampaignResult whole = run_campaign(f.options, reference(), f.settings("whole", 2));
  // SIGINT once three graphs are on disk, as a user's Ctrl-C would arrive (once: a second one
  // would end this test process at once).
  bool sent = false;
  const CampaignResult cut = run_campaign(f.options, reference(), f.settings("cut", 2), [&](const Progress& p) {
    if (p.done >= 3 && !std::exchange(sent, true)) ::raise(SIGINT);
  });
  EXPECT_EQ(cut.stop, Stop::interrupted);
  EXPECT_EQ(cut.signal, SIGINT);
  EXPECT_GE(cut.done, 3u);
  EXPECT_LT(cut.done, 8u);
  const reports::FindingsLog partial = reports::read_findings_log(cut.log_path);
  EXPECT_FALSE(partial.complete);
  EXPECT_EQ(partial.graphs.size(), cut.done);
  EXPECT_EQ(slurp(whole.log_path).rfind(slurp(cut.log_path), 0), 0u);  // a prefix of the whole log
  EXPECT_NE(slurp(cut.report_path).find("This log is incomplete"), std::string::npos);

  const CampaignOptions recorded = recorded_options(f.dir.file("cut"));
  EXPECT_EQ(to_json(recorded, 8), to_json(f.options, 8));
  const CampaignResult resumed = resume_campaign(recorded, reference(), f.settings("cut", 1));
  EXPECT_EQ(resumed.stop, Stop::complete);
  EXPECT_EQ(resumed.resumed_from, cut.done);
  EXPECT_EQ(resumed.done, 8u);
  EXPECT_EQ(resumed.verdicts, whole.verdicts);
  EXPECT_EQ(untimed_log(slurp(resumed.log_path)), untimed_log(slurp(whole.log_path)));
  EXPECT_EQ(untimed_report(slurp(resumed.report_path)), untimed_report(slurp(whole.report_path)));
  // Resuming a complete campaign runs nothing and changes nothing.
  const CampaignResult again = resume_campaign(recorded, reference(), f.settings("cut", 1));
  EXPECT_EQ(again.stop, Stop::complete);
  EXPECT_EQ(again.resumed_from, 8u);
  EXPECT_EQ(untimed_log(slurp(again.log_path)), untimed_log(slurp(whole.log_path)));
}

// A campaign killed while writing (SIGKILL, a power cut) leaves a torn last line. `--resume`
// reads the options from the header alone and the resume cuts the torn graph off: before, the
// options were read from the whole log, which a torn end made an error (and which, for the
// 10^6-graph soak, took more than 20 GB).
TEST(Campaign, ATornLogResumesFromItsHeadersOptions) {
  Fixture f;
  const CampaignResult whole = run_campaign(f.options, reference(), f.settings("whole", 2));
  std::filesystem::create_directories(f.dir.file("torn"));
  const std::string text = slurp(whole.log_path);
  const std::size_t trailer = text.rfind("{\"findings\"");
  ASSERT_NE(trailer, std::string::npos);
  std::ofstream(f.dir.file("torn/findings.jsonl"), std::ios::binary) << text.substr(0, trailer - 40);
  EXPECT_THROW(reports::read_findings_log(f.dir.file("torn/findings.jsonl")), reports::ReportError);
  const CampaignOptions recorded = recorded_options(f.dir.file("torn"));
  EXPECT_EQ(to_json(recorded, 8), to_json(f.options, 8));
  const CampaignResult resumed = resume_campaign(recorded, reference(), f.settings("torn", 1));
  EXPECT_EQ(resumed.stop, Stop::complete);
  EXPECT_EQ(resumed.resumed_from, 7u);
  EXPECT_EQ(untimed_log(slurp(resumed.log_path)), untimed_log(slurp(whole.log_path)));
}

TEST(Campaign, ACampaignWritingADirectoryKeepsASecondOneOut) {
  // A --resume started while the first campaign is still stopping would append to its log.
  Fixture f;
  const CampaignResult first = run_campaign(f.options, reference(), f.settings("out", 2));
  const std::string dir = f.dir.file("out");
  const int held = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);  // as the running campaign holds it
  const std::string before = slurp(first.log_path);
  try {
    resume_campaign(recorded_options(dir), reference(), f.settings("out", 1));
    ADD_FAILURE() << "resumed a directory another campaign holds";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another campaign is writing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(run_campaign(f.options, reference(), f.settings("out", 1)), InputError);
  EXPECT_EQ(slurp(first.log_path), before);  // untouched
  ::close(held);
  EXPECT_EQ(resume_campaign(recorded_options(dir), reference(), f.settings("out", 1)).stop, Stop::complete);
}

TEST(Campaign, TheTimeLimitStopsNewGraphsAndResumeFinishes) {
  Fixture f;
  RunSettings s = f.settings("limited", 2);
  s.time_limit = 1e-9;  // past before the first graph could start
  const CampaignResult cut = run_campaign(f.options, reference(), s);
  EXPECT_EQ(cut.stop, Stop::time_limit);
  EXPECT_LT(cut.done, cut.planned);
  EXPECT_FALSE(reports::read_findings_log(cut.log_path).complete);
  const CampaignResult resumed = resume_campaign(f.options, reference(), f.settings("limited", 2));
  EXPECT_EQ(resumed.stop, Stop::complete);
  const CampaignResult whole = run_campaign(f.options, reference(), f.settings("whole", 2));
  EXPECT_EQ(untimed_log(slurp(resumed.log_path)), untimed_log(slurp(whole.log_path)));
}

TEST(Campaign, AFullDiskStopsTheCampaignWithTheLogValid) {
  Fixture f;
  const CampaignResult whole = run_campaign(f.options, reference(), f.settings("whole", 2));
  const std::size_t size = slurp(whole.log_path).size();
  // In a child, a file size limit of half the log: the log stops growing part way.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const rlimit r{size / 2, size / 2};
    if (::setrlimit(RLIMIT_FSIZE, &r) != 0) std::_Exit(10);
    const CampaignResult cut = run_campaign(f.options, reference(), f.settings("full", 2));
    std::_Exit(cut.stop == Stop::write_failed && cut.error.find("File too large") != std::string::npos ? 0 : 11);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  ASSERT_EQ(WEXITSTATUS(status), 0);
  const std::string text = slurp(f.dir.file("full/findings.jsonl"));
  ASSERT_FALSE(text.empty());
  EXPECT_LE(text.size(), size / 2);
  EXPECT_EQ(text.back(), '\n');
  const reports::FindingsLog partial = reports::parse_findings_log(text, "full");
  EXPECT_FALSE(partial.complete);
  EXPECT_GE(partial.graphs.size(), 1u);
  EXPECT_EQ(slurp(whole.log_path).rfind(text, 0), 0u);
  // With room again, --resume completes it.
  const CampaignResult resumed = resume_campaign(f.options, reference(), f.settings("full", 2));
  EXPECT_EQ(resumed.stop, Stop::complete);
  EXPECT_EQ(untimed_log(slurp(resumed.log_path)), untimed_log(slurp(whole.log_path)));
}

TEST(Campaign, ResumeRefusesWhatIsNotTheSameCampaign) {
  Fixture f;
  EXPECT_THROW(recorded_options(f.dir.file("nothing-here")), InputError);
  bool sent = false;
  const CampaignResult cut = run_campaign(f.options, reference(), f.settings("cut", 1), [&](const Progress& p) {
    if (p.done >= 3 && !std::exchange(sent, true)) ::raise(SIGTERM);
  });
  ASSERT_EQ(cut.stop, Stop::interrupted);
  EXPECT_EQ(cut.signal, SIGTERM);
  // The corpus gained a file that sorts first: graph 0 is no longer the graph on disk.
  fs::copy_file(std::string(TAPECHECK_CORPUS_DIR) + "/round_in_loss.tcg", f.dir.file("corpus/a_first.tcg"));
  EXPECT_THROW(resume_campaign(recorded_options(f.dir.file("cut")), reference(), f.settings("cut", 1)), InputError);
  // Other options than the log's: refused too.
  fs::remove(f.dir.file("corpus/a_first.tcg"));
  CampaignOptions other = f.options;
  other.seed = 5;
  EXPECT_THROW(resume_campaign(other, reference(), f.settings("cut", 1)), InputError);
  EXPECT_EQ(resume_campaign(f.options, reference(), f.settings("cut", 1)).stop, Stop::complete);
}

}  // namespace
}  // namespace tc::campaign
