#include "reports/merge_logs.hpp"

#include <filesystem>
#include <set>
#include <utility>

#include "reports/report_model.hpp"

namespace tc::reports {

FindingsLog merge_logs(std::vector<LogPart> parts) {
  if (parts.size() == 1 && parts.front().graphs_dir.empty()) return std::move(parts.front().log);
  FindingsLog out;
  out.complete = true;
  std::set<std::string> mutant_engines;
  for (LogPart& part : parts) {
    FindingsLog& log = part.log;
    const int offset = static_cast<int>(out.graphs.size());
    for (CampaignRun run : campaign_runs(log)) {
      run.first_graph += offset;
      out.campaign_info.runs.push_back(std::move(run));
    }
    for (MutantInfo& m : log.campaign_info.mutants)
      if (mutant_engines.insert(m.engine).second) out.campaign_info.mutants.push_back(std::move(m));
    for (GraphRecord& g : log.graphs) {
      g.id += offset;
      std::string& file = g.annotations.tcg_file;
      if (!file.empty() && !part.graphs_dir.empty())
        file = (std::filesystem::path(part.graphs_dir) / file).lexically_normal().string();
      out.graphs.push_back(std::move(g));
    }
    for (FindingRecord& f : log.findings) {
      f.graph += offset;
      out.findings.push_back(std::move(f));
    }
    for (const auto& [oracle, outcomes] : log.omitted.per_oracle)
      for (const auto& [outcome, count] : outcomes) out.omitted.per_oracle[oracle][outcome] += count;
    out.omitted.count += log.omitted.count;
    out.complete = out.complete && log.complete;
  }
  if (parts.size() == 1) out.campaign = std::move(parts.front().log.campaign);
  return out;
}

}  // namespace tc::reports
