// What a graph's worker outcome becomes in the findings log: the record and findings the worker
// wrote, or — when it died first — a record of the graph itself as the finding: verdict
// error_raised with an error of kind "crash" (a signal, a failed exit) or "timeout".
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "campaign/jobs.hpp"
#include "campaign/options.hpp"
#include "campaign/process_pool.hpp"
#include "reports/findings_log.hpp"

namespace tc::campaign {

struct GraphResult {
  reports::GraphRecord record;                  // id = the job's index
  std::vector<reports::FindingRecord> findings;
  bool worker_failed = false;                   // a crash or timeout record
};

GraphResult graph_result(const Job& job, std::size_t index, const WorkerOutcome& outcome,
                         const CampaignOptions& options);

// The error kinds a failed worker's record carries (docs/findings_log.md).

}  // namespace tc::campaign
