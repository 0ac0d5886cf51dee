#include "campaign/graph_record.hpp"

#include <string.h>

#include <cmath>
#include <cstdio>

#include "campaign/graph_worker.hpp"
#include "graph/tcg.hpp"

namespace tc::campaign {

namespace {

std::string file_or_empty(const WorkerOutcome& o, const char* name) {
  auto it = o.files.find(name);
  return it == o.files.end() ? std::string() : it->second;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// Why the worker ended without its result, as the error of the graph's record.
eut::RaisedError worker_failure(const WorkerOutcome& o, const CampaignOptions& options, bool have_graph) {
  eut::RaisedError e;
  e.kind = eut::ErrorKind::crash;
  switch (o.end) {
    case WorkerOutcome::End::timed_out:
      e.kind = eut::ErrorKind::timeout;
      e.message = "checking this graph took longer than " + seconds_text(options.graph_timeout) +
                  " s; its worker was killed (--graph-timeout)";
      break;
    case WorkerOutcome::End::signaled:
    case WorkerOutcome::End::stopped:
      e.message = "the worker checking this graph died of signal " + std::to_string(o.signal) + " (" +
                  ::strsignal(o.signal) + ")" +
                  (options.memory_limit_mb > 0 ? "; it may have run out of its " +
                                                     std::to_string(options.memory_limit_mb) + " MB (--memory-limit)"
                                               : std::string());
      break;
    case WorkerOutcome::End::not_run:  // the campaign checks such a graph again; never recorded
      e.message = "the worker ended before checking this graph";
      break;
    case WorkerOutcome::End::exited:
      e.message = "the worker checking this graph failed (exit status " + std::to_string(o.exit_code) + ")" +
                  (have_graph ? "" : "; the graph could not be built");
      break;
  }
  return e;
}

}  // namespace

GraphResult graph_result(const Job& job, std::size_t index, const WorkerOutcome& outcome,
                         const CampaignOptions& options) {
  GraphResult out;
  const int id = static_cast<int>(index);
  const std::string record = file_or_empty(outcome, kRecordFile);
  if (!record.empty()) {
    reports::FindingsLog one;
    try {
      one = reports::parse_findings_log(record, "worker result of graph " + std::to_string(index));
    } catch (const reports::ReportError&) {
      // Written atomically by the worker, so never torn; unreadable only if the worker is
      // broken: then it is as if it had died.
    }
    if (one.graphs.size() == 1) {
      out.record = std::move(one.graphs.front());
      out.record.id = id;
      out.record.minimal_tcg = file_or_empty(outcome, kMinimalFile);
      for (reports::FindingRecord& f : one.findings) {
        f.graph = id;
        out.findings.push_back(std::move(f));
      }
      return out;
    }
  }
  // The worker died before writing its result: the graph itself is the finding.
  out.worker_failed = true;
  reports::GraphRecord& g = out.record;
  g.id = id;
  g.origin = job.origin;
  g.engine = options.engine;
  g.seed = options.seed;
  g.tcg = job.generated ? file_or_empty(outcome, kGraphFile) : graph::print_tcg(job.graph);
  if (!g.tcg.empty()) {
    try {
      const graph::Graph parsed = graph::parse_tcg_syntax(g.tcg);
      g.name = parsed.name;
      g.ops = reports::ops_used(parsed);
    } catch (const std::exception&) {
    }
  }
  g.verdict = oracles::Verdict::error_raised;
  g.run.error = worker_failure(outcome, options, !g.tcg.empty());
  return out;
}

}  // namespace tc::campaign
