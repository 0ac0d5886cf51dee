// What a campaign's worker does for one graph: build it, check it with every oracle on a fresh
// engine, write its record, then shrink a mismatch. Runs inside a ProcessPool worker; what it
// leaves in its result directory becomes the graph's record (graph_record.hpp).
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "campaign/jobs.hpp"
#include "campaign/options.hpp"
#include "eut/engine_under_test.hpp"

namespace tc::campaign {

// Makes the engine under test, inside each worker (a registry resolves `--engine NAME` to one).
using eut::EngineFactory;

// The files of a worker's result directory. Each is complete or absent.
inline constexpr const char* kGraphFile = "graph.tcg";       // first, so that a crash still names the graph
inline constexpr const char* kRecordFile = "record.jsonl";   // the graph's record and findings (written again
                                                             // with its annotations after shrinking)
inline constexpr const char* kMinimalFile = "minimal.tcg";   // the shrunk graph, if shrinking made one

// Checks job `index` and writes the files above into `dir`; returns the worker's exit code.
// Test hook (tests/cli, tests/campaign): TAPECHECK_TEST_WORKER_FAULT, a comma-separated list of
// "crash:<index>" (dies of SIGSEGV), "hang:<index>" (never finishes) and "slow:<ms>" (every
// graph sleeps that long first), as a broken or slow engine would; "stopped-once:<index>"
// (dies of SIGTERM on its first attempt: marker /tmp/tapecheck-stopped-once-<campaign pid>-<index>),
// as a worker killed from outside.
int run_graph_job(const Job& job, std::size_t index, const CampaignOptions& options, const EngineFactory& make_engine,
                  const std::string& dir, bool verbose);

}  // namespace tc::campaign
