// campaign/graph_record: a worker's result becomes its graph's record; a worker that died
// first makes the graph itself the finding (crash, timeout), with the graph's text.
#include "campaign/graph_record.hpp"

#include <signal.h>

#include <gtest/gtest.h>

#include "campaign/graph_worker.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"
#include "support.hpp"

namespace tc::campaign {
namespace {

Job corpus_job(const std::string& name) {
  Job j;
  j.origin = std::string(TAPECHECK_CORPUS_DIR) + "/" + name + ".tcg";
  j.graph = graph::parse_tcg(test::slurp(j.origin));
  return j;
}

TEST(GraphRecord, AWorkersRecordIsRenumberedAndGetsItsMinimalGraph) {
  const Job job = corpus_job("round_in_loss");
  auto engine = eut::make_reference_engine();
  reports::FindingsLog one;
  reports::append(one, job.graph, oracles::check_graph(job.graph, *engine, {}), job.origin, 0);
  WorkerOutcome o;
  o.files[kRecordFile] = reports::to_jsonl(one);
  o.files[kMinimalFile] = "tape t\n";
  const GraphResult r = graph_result(job, 7, o, {});
  EXPECT_FALSE(r.worker_failed);
  EXPECT_EQ(r.record.id, 7);
  EXPECT_EQ(r.record.minimal_tcg, "tape t\n");
  EXPECT_EQ(r.record.verdict, one.graphs[0].verdict);
  ASSERT_EQ(r.findings.size(), one.findings.size());
  for (const reports::FindingRecord& f : r.findings) EXPECT_EQ(f.graph, 7);
}

TEST(GraphRecord, ACrashedWorkerMakesTheGraphTheFinding) {
  const Job job = corpus_job("round_in_loss");
  WorkerOutcome o;
  o.end = WorkerOutcome::End::signaled;
  o.signal = SIGSEGV;
  CampaignOptions options;
  options.engine = "mutant:drop_grad";
  const GraphResult r = graph_result(job, 3, o, options);
  EXPECT_TRUE(r.worker_failed);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.record.id, 3);
  EXPECT_EQ(r.record.verdict, oracles::Verdict::error_raised);
  EXPECT_EQ(r.record.engine, "mutant:drop_grad");  // the engine the campaign ran, by its name
  EXPECT_EQ(r.record.tcg, graph::print_tcg(job.graph));
  EXPECT_EQ(r.record.name, "round_in_loss");
  EXPECT_FALSE(r.record.ops.empty());
  ASSERT_TRUE(r.record.run.error.has_value());
  EXPECT_EQ(r.record.run.error->kind, eut::ErrorKind::crash);
  EXPECT_NE(r.record.run.error->message.find("signal 11"), std::string::npos) << r.record.run.error->message;
  EXPECT_NE(r.record.run.error->message.find("--memory-limit"), std::string::npos);
}

TEST(GraphRecord, ATimedOutWorkerSaysWhichLimit) {
  Job job;
  job.generated = true;
  job.origin = "generated: build_graph(seed=1, size=2)";
  WorkerOutcome o;
  o.end = WorkerOutcome::End::timed_out;
  o.signal = SIGKILL;
  o.files[kGraphFile] = "graph g\ntape t\n";  // written before the check began
  CampaignOptions options;
  options.graph_timeout = 2.5;
  const GraphResult r = graph_result(job, 0, o, options);
  ASSERT_TRUE(r.record.run.error.has_value());
  EXPECT_EQ(r.record.run.error->kind, eut::ErrorKind::timeout);
  EXPECT_EQ(r.record.run.error->message,
            "checking this graph took longer than 2.5 s; its worker was killed (--graph-timeout)");
  EXPECT_EQ(r.record.tcg, "graph g\ntape t\n");
  EXPECT_EQ(r.record.name, "g");
  EXPECT_EQ(r.record.origin, job.origin);
}

TEST(GraphRecord, AWorkerThatFailedBeforeBuildingItsGraphSaysSo) {
  Job job;
  job.generated = true;
  WorkerOutcome o;
  o.end = WorkerOutcome::End::exited;
  o.exit_code = kWorkerThrew;
  const GraphResult r = graph_result(job, 0, o, {});
  ASSERT_TRUE(r.record.run.error.has_value());
  EXPECT_EQ(r.record.run.error->kind, eut::ErrorKind::crash);
  EXPECT_EQ(r.record.run.error->message,
            "the worker checking this graph failed (exit status 3); the graph could not be built");
  EXPECT_TRUE(r.record.tcg.empty());
}

TEST(GraphRecord, AnUnreadableResultIsAFailedWorkerNotAFailedCampaign) {
  const Job job = corpus_job("round_in_loss");
  WorkerOutcome o;
  o.files[kRecordFile] = "{\"type\":\"graph\", oops}\n";
  const GraphResult r = graph_result(job, 0, o, {});
  EXPECT_TRUE(r.worker_failed);
  ASSERT_TRUE(r.record.run.error.has_value());
  EXPECT_EQ(r.record.run.error->kind, eut::ErrorKind::crash);
}

}  // namespace
}  // namespace tc::campaign
