// Several findings logs as one, for one report: the main job's reference run and its
// injected-fault run, each campaign keeping its own log (and so its own --resume).
#pragma once
#include <string>
#include <vector>

#include "reports/findings_log.hpp"

namespace tc::reports {

// One log of a merge and where its saved graphs are as seen from the report: `graphs_dir` is
// prepended to each GraphAnnotations::tcg_file ("" keeps them as they are).
struct LogPart {
  FindingsLog log;
  std::string graphs_dir;
};

// The logs in order: graph ids renumbered after the logs before, each log's runs (or, for a
// log without, the runs campaign_runs() infers) moved to its new ids, the mutants listed once
// (by engine, first description kept). Complete if every log is; the header's campaign options
// are kept only from a single log (several campaigns have no one set of options).
FindingsLog merge_logs(std::vector<LogPart> parts);

}  // namespace tc::reports
