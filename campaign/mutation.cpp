#include "campaign/mutation.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "campaign/jobs.hpp"
#include "campaign/minimize.hpp"
#include "campaign/process_pool.hpp"
#include "engine/core/errors.hpp"
#include "eut/engines.hpp"
#include "eut/mutants/mutant.hpp"
#include "graph/ir_util.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"
#include "properties/shrink.hpp"
#include "reports/atomic_file.hpp"

namespace tc::campaign {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kResultFile = "mutant.json";
constexpr const char* kRecordFile = "record.jsonl";

// The worker for one mutant: graphs in order until the first mismatch, which it shrinks.
int check_mutant(const eut::Mutant& m, const std::vector<Job>& jobs, const MutationOptions& options,
                 const std::string& dir) {
  const Clock::time_point t0 = Clock::now();
  const auto engine = eut::make_engine(std::string("mutant:") + m.name);
  const auto reference = eut::make_engine("reference");
  oracles::CheckOptions check;
  check.seed = options.seed;
  check.threads = 1;
  json out = {{"end", "survived"}, {"graphs", 0}, {"false_alarms", json::array()}};
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const graph::Graph g = job_graph(jobs[i]);
    const oracles::CheckReport report = oracles::check_graph(g, *engine, check);
    out["graphs"] = i + 1;
    if (report.verdict != oracles::Verdict::mismatch) continue;
    // A mismatch the reference engine has too is the oracles' mistake, not the mutant's bug:
    // no kill, and a finding about the suite the results report.
    if (oracles::check_graph(g, *reference, check).verdict == oracles::Verdict::mismatch) {
      out["false_alarms"].push_back({{"graph", i}, {"origin", jobs[i].origin}});
      continue;
    }
    out["end"] = "killed";
    out["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    std::set<std::string> mismatching = mismatching_oracles(report);
    out["oracles"] = std::vector<std::string>(mismatching.begin(), mismatching.end());
    for (const oracles::SourceVerdict& s : report.sources)
      if (s.verdict == oracles::Verdict::mismatch) {
        out["detail"] = s.oracle + ": " + s.detail;
        break;
      }
    out["tcg"] = graph::print_tcg(g);
    reports::FindingsLog log;
    reports::append(log, g, report, jobs[i].origin, options.seed);
    const Clock::time_point deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(options.graph_timeout / 2));
    const graph::Graph small = options.shrink_budget > 0
                                   ? minimize(g, mismatching, *engine, check, options.shrink_budget, deadline,
                                              reference.get())
                                   : g;
    out["minimal_ops"] = properties::op_count(small);
    if (!graph::structurally_equal(small, g)) {
      out["minimal_tcg"] = graph::print_tcg(small);
      log.graphs[0].minimal_tcg = graph::print_tcg(small);
    }
    reports::write_file_atomically(dir + "/" + kRecordFile, reports::to_jsonl(log), false);
    break;
  }
  if (out["end"] == "survived") out["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
  reports::write_file_atomically(dir + "/" + kResultFile, out.dump(), false);
  return 0;
}

MutantResult result_of(const eut::Mutant& m, const WorkerOutcome& w) {
  MutantResult r;
  r.name = m.name;
  r.bug_class = m.bug_class;
  r.sentence = m.sentence;
  r.mirrors = m.mirrors;
  r.seconds = w.seconds;
  auto file = w.files.find(kResultFile);
  if (w.end != WorkerOutcome::End::exited || w.exit_code != 0 || file == w.files.end()) {
    r.end = w.end == WorkerOutcome::End::timed_out ? MutantResult::End::timed_out : MutantResult::End::crashed;
    r.failure = w.end == WorkerOutcome::End::signaled ? "the worker died of signal " + std::to_string(w.signal)
                : w.end == WorkerOutcome::End::timed_out ? "the worker ran out of time"
                                                         : "the worker failed (exit " + std::to_string(w.exit_code) + ")";
    return r;
  }
  const json j = json::parse(file->second);
  r.end = j.at("end") == "killed" ? MutantResult::End::killed : MutantResult::End::survived;
  r.graphs = j.at("graphs").get<int>();
  for (const json& f : j.value("false_alarms", json::array())) r.false_alarms.push_back(f.at("origin").get<std::string>());
  r.seconds = j.value("seconds", w.seconds);
  if (r.end != MutantResult::End::killed) return r;
  r.oracles = j.at("oracles").get<std::vector<std::string>>();
  r.detail = j.value("detail", "");
  r.tcg = j.value("tcg", "");
  r.minimal_tcg = j.value("minimal_tcg", "");
  r.minimal_ops = j.value("minimal_ops", 0);
  if (auto rec = w.files.find(kRecordFile); rec != w.files.end()) {
    reports::FindingsLog one = reports::parse_findings_log(rec->second, r.name);
    if (!one.graphs.empty()) {
      r.record = one.graphs[0];
      r.findings = one.findings;
    }
  }
  return r;
}

}  // namespace

const char* end_name(MutantResult::End e) {
  switch (e) {
    case MutantResult::End::killed: return "killed";
    case MutantResult::End::survived: return "survived";
    case MutantResult::End::crashed: return "crashed";
    case MutantResult::End::timed_out: return "timed_out";
  }
  return "?";
}

std::vector<MutantResult> run_mutation_analysis(const MutationOptions& options,
                                                const std::function<void(const MutationProgress&)>& progress) {
  std::vector<const eut::Mutant*> selected;
  for (const std::string& name : options.only) {
    const eut::Mutant* m = eut::find_mutant(name);
    if (!m) throw Error("no mutant called '" + name + "' (tapecheck engines lists them)");
  }
  for (const eut::Mutant* m : eut::mutants())
    if (options.only.empty() || std::find(options.only.begin(), options.only.end(), m->name) != options.only.end())
      selected.push_back(m);

  CampaignOptions plan;  // the generated graphs of a campaign with this seed, no corpus
  plan.seed = options.seed;
  plan.graphs = options.budget;
  plan.max_size = options.max_size;
  plan.corpus = "";
  plan.focus_op = options.focus_op;
  const std::vector<Job> jobs = plan_jobs(plan);

  const int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  WorkerLimits limits;
  limits.wall_seconds = options.graph_timeout * std::max(1, options.budget);
  limits.memory_bytes = std::uint64_t{2048} << 20;
  ProcessPool pool(threads, limits);
  std::vector<MutantResult> results(selected.size());
  MutationProgress p;
  p.total = selected.size();
  std::size_t next = 0;
  while (p.done < selected.size()) {
    while (pool.has_room() && next < selected.size()) {
      const eut::Mutant* m = selected[next];
      if (!pool.start(next, [&, m](const std::string& dir) { return check_mutant(*m, jobs, options, dir); }))
        throw Error("cannot start a worker process");
      ++next;
    }
    for (const WorkerOutcome& w : pool.wait(std::chrono::milliseconds(200))) {
      results[w.task] = result_of(*selected[w.task], w);
      ++p.done;
      p.killed += results[w.task].end == MutantResult::End::killed;
      p.last = &results[w.task];
      if (progress) progress(p);
    }
  }
  return results;
}

reports::FindingsLog mutation_log(const MutationOptions& options, const std::vector<MutantResult>& results) {
  reports::FindingsLog log;
  for (const MutantResult& r : results) {
    const std::string engine = std::string("mutant:") + r.name;
    std::string issue = r.mirrors;
    log.campaign_info.mutants.push_back({engine, r.bug_class, r.sentence, issue});
    if (!r.record) continue;
    reports::GraphRecord g = *r.record;
    g.id = static_cast<int>(log.graphs.size());
    for (reports::FindingRecord f : r.findings) {
      f.graph = g.id;
      log.findings.push_back(std::move(f));
    }
    log.graphs.push_back(std::move(g));
  }
  reports::CampaignRun run;
  run.label = "mutation analysis: the first killing graph of each mutant";
  run.seed = options.seed;
  run.graphs = static_cast<int>(log.graphs.size());
  log.campaign_info.runs.push_back(run);
  return log;
}

nlohmann::json to_json(const MutantResult& r) {
  json j = {{"mutant", r.name}, {"engine", "mutant:" + r.name}, {"bug_class", r.bug_class},
            {"sentence", r.sentence}, {"mirrors", r.mirrors}, {"end", end_name(r.end)},
            {"killed", r.end == MutantResult::End::killed}, {"graphs", r.graphs}, {"seconds", r.seconds}};
  if (r.end == MutantResult::End::killed) {
    j["oracles"] = r.oracles;
    j["detail"] = r.detail;
    j["minimal_ops"] = r.minimal_ops;
    j["counterexample_tcg"] = r.minimal_tcg.empty() ? r.tcg : r.minimal_tcg;
  }
  if (!r.failure.empty()) j["failure"] = r.failure;
  j["false_alarms"] = r.false_alarms;
  return j;
}

}  // namespace tc::campaign
