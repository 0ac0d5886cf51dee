#include "campaign/graph_worker.hpp"

#include "campaign/annotations.hpp"
#include "campaign/minimize.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "graph/ir_util.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"
#include "reports/atomic_file.hpp"
#include "reports/findings_log.hpp"

namespace tc::campaign {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

void inject_test_fault(std::size_t index) {
  const char* env = std::getenv("TAPECHECK_TEST_WORKER_FAULT");
  if (!env) return;
  std::istringstream faults(env);
  for (std::string f; std::getline(faults, f, ',');) {
    if (f == "crash:" + std::to_string(index)) ::raise(SIGSEGV);
    // Killed from outside on its first attempt only: a marker per campaign (the parent's pid)
    // and graph, made by the attempt that dies.
    if (f == "stopped-once:" + std::to_string(index)) {
      const std::string marker = (std::filesystem::temp_directory_path() /
                                  ("tapecheck-stopped-once-" + std::to_string(::getppid()) + "-" + std::to_string(index)))
                                     .string();
      const int fd = ::open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);
        ::raise(SIGTERM);
      }
    }
    if (f == "hang:" + std::to_string(index))
      for (;;) ::pause();
    if (f.rfind("slow:", 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(f.c_str() + 5)));
  }
}

}  // namespace

int run_graph_job(const Job& job, std::size_t index, const CampaignOptions& options, const EngineFactory& make_engine,
                  const std::string& dir, bool verbose) {
  const Clock::time_point t0 = Clock::now();
  inject_test_fault(index);
  const std::unique_ptr<eut::EngineUnderTest> engine = make_engine();
  const graph::Graph g = job_graph(job, engine->capabilities());
  reports::write_file_atomically(dir + "/" + kGraphFile, graph::print_tcg(g), false);
  oracles::CheckOptions check;
  check.seed = options.seed;
  check.threads = 1;  // parallel across graphs, not inside one
  const oracles::CheckReport report = oracles::check_graph(g, *engine, check);
  reports::FindingsLog log;
  reports::append(log, g, report, job.origin, options.seed);
  reports::write_file_atomically(dir + "/" + kRecordFile, reports::to_jsonl(log), false);
  if (verbose)
    std::cerr << "graph " << index << " (" << job.origin << "): " << oracles::verdict_name(report.verdict) << " in "
              << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  if (report.verdict != oracles::Verdict::mismatch) return 0;
  graph::Graph shown = g;
  if (options.shrink_budget > 0) {
    const std::set<std::string> mismatching = mismatching_oracles(report);
    // Shrinking gets half the graph's time, so that the check's own result always survives.
    const Clock::time_point stop = t0 + seconds(options.graph_timeout / 2);
    const graph::Graph small = minimize(g, mismatching, *engine, check, options.shrink_budget, stop);
    if (!graph::structurally_equal(small, g)) {
      reports::write_file_atomically(dir + "/" + kMinimalFile, graph::print_tcg(small), false);
      shown = small;
    }
    if (verbose)
      std::cerr << "graph " << index << ": shrunk in " << std::chrono::duration<double>(Clock::now() - t0).count()
                << " s in all\n";
  }
  // The record again, with what the report draws beside the graph shown (annotations.hpp).
  log.graphs.front().annotations = annotate(g, shown, report, *engine, check);
  // Localising the fault gets a quarter of the graph's time after shrinking's half.
  annotate_fault_path(log, shown, *engine, check, t0 + seconds(options.graph_timeout * 3 / 4));
  reports::write_file_atomically(dir + "/" + kRecordFile, reports::to_jsonl(log), false);
  return 0;
}

}  // namespace tc::campaign
