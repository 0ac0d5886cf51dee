#include "campaign/campaign.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>  // malloc_trim
#endif

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <new>
#include <set>
#include <thread>

#include "campaign/graph_file.hpp"
#include "campaign/graph_record.hpp"
#include "campaign/jobs.hpp"
#include "campaign/process_pool.hpp"
#include "campaign/stop_signals.hpp"
#include "engine/tensor.hpp"
#include "eut/engines.hpp"
#include "eut/mutants/mutant.hpp"
#include "graph/tcg.hpp"
#include "reports/findings_log.hpp"
#include "reports/html_report.hpp"

// tcmalloc's call that returns its free pages to the system: defined when tcmalloc is linked
// (cmake/fast_malloc.cmake: the CLI), null otherwise (a weak reference).
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace tc::campaign {

namespace {

// Returns the heap's free pages to the system, so that a fork after a large allocation was
// freed does not copy their page tables. glibc's malloc_trim does not reach tcmalloc's heap:
// soak run 5, resumed on a tcmalloc binary after reading its 2.7 GB log, kept 3.1 GB
// resident while its workers ran, and forked them at 8-26 graphs/s instead of ~100.
void give_back_freed_memory() {
  if (MallocExtension_ReleaseFreeMemory) MallocExtension_ReleaseFreeMemory();
#ifdef __GLIBC__
  ::malloc_trim(0);
#endif
}

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Graphs one worker checks at most. Enough that a worker's start-up is paid for by its graphs;
// few enough that a batch of typical graphs (tens of ms each) returns its results within a
// second, and that a campaign's last batches end close together.
constexpr std::size_t kGraphsPerWorker = 16;

// One campaign writes an output directory at a time: a second one — a --resume started while
// the first is still stopping (writing its report from a large log can take minutes) — would
// append the same graphs to the same log. An exclusive flock on the directory, held while the
// campaign runs; the forked workers share the descriptor and end before it is closed.
class OutputLock {
 public:
  explicit OutputLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) throw InputError("cannot open output directory " + dir + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw InputError(dir + ": another campaign is writing this directory (wait until it has stopped)");
    }
  }
  ~OutputLock() { ::close(fd_); }
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_;
};

void make_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError("cannot create output directory " + dir + ": " + ec.message());
  if (!fs::is_directory(dir)) throw InputError("cannot use output directory " + dir + ": not a directory");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError("cannot write to output directory " + dir + ": " + std::strerror(errno));
}

// A write past RLIMIT_FSIZE fails with EFBIG instead of killing the process with SIGXFSZ, so
// that a file size limit stops the campaign like a full disk.
class IgnoreFileSizeSignal {
 public:
  IgnoreFileSizeSignal() { previous_ = ::signal(SIGXFSZ, SIG_IGN); }
  ~IgnoreFileSizeSignal() { ::signal(SIGXFSZ, previous_); }

 private:
  sighandler_t previous_;
};

// The ops of the latest graphs, for the progress display's "op mix".
class OpMix {
 public:
  void add(const std::vector<std::string>& ops) {
    latest_.push_back(ops);
    for (const std::string& op : ops) ++counts_[op];
    if (latest_.size() > kGraphs) {
      for (const std::string& op : latest_.front())
        if (--counts_[op] == 0) counts_.erase(op);
      latest_.pop_front();
    }
  }
  std::size_t graphs() const { return latest_.size(); }
  std::vector<std::pair<std::string, int>> top(std::size_t n) const {
    std::vector<std::pair<std::string, int>> v(counts_.begin(), counts_.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (v.size() > n) v.resize(n);
    return v;
  }

 private:
  static constexpr std::size_t kGraphs = 50;
  std::deque<std::vector<std::string>> latest_;
  std::map<std::string, int> counts_;
};

// What the log holds so far, counted as graphs are appended.
struct Tally {
  CampaignResult& r;
  Progress& p;
  OpMix mix;

  void add(const reports::GraphRecord& g, const std::vector<reports::FindingRecord>& findings, bool generated) {
    ++r.done;
    ++(generated ? r.generated_done : r.corpus_done);
    ++r.verdicts[static_cast<int>(g.verdict)];
    for (const oracles::SourceVerdict& s : g.sources) {
      ++r.result_verdicts[static_cast<int>(s.verdict)];
      if (s.engine_value == "None") ++r.none_results;
      else if (!s.engine_value.empty()) ++r.value_results;
    }
    if (g.verdict == oracles::Verdict::mismatch) ++p.mismatches;
    if (g.run.error && g.run.error->kind == eut::ErrorKind::crash) ++r.crashed;
    if (g.run.error && g.run.error->kind == eut::ErrorKind::timeout) ++r.timed_out;
    for (const reports::FindingRecord& f : findings) ++r.per_oracle[f.finding.oracle][static_cast<int>(f.finding.outcome)];
    r.findings += findings.size();
    mix.add(g.ops);
    p.done = r.done;
    p.crashes = static_cast<std::size_t>(r.crashed);
    p.timeouts = static_cast<std::size_t>(r.timed_out);
  }
};

void write_report(CampaignResult& r, const RunSettings& settings) {
  try {
    reports::HtmlOptions html;
    html.title = "tapecheck campaign report";
    html.source = "findings.jsonl";  // next to the report; no absolute path, so the report is relocatable
    html.dot_command = settings.dot;
    const reports::FindingsLog log =
        reports::read_findings_log_for_report(r.log_path, static_cast<std::size_t>(html.max_listed));
    reports::write_html_report(r.report_path, log, html);
  } catch (const tc::Error& e) {
    r.report_error = e.what();
  } catch (const std::bad_alloc&) {
    // The log is whole and says everything; the campaign's summary must still be printed.
    r.report_error = "out of memory while writing the report (tapecheck report " + r.log_path + " writes it later)";
  }
}

// The mutant engine a campaign runs on, described for the report's sensitivity matrix; none
// for other engines.
std::vector<reports::MutantInfo> mutants_run(const std::string& engine) {
  const std::string prefix = "mutant:";
  if (engine.rfind(prefix, 0) != 0) return {};
  const eut::Mutant* m = eut::find_mutant(std::string_view(engine).substr(prefix.size()));
  if (!m) return {};
  return {{engine, m->bug_class, m->sentence, m->mirrors}};
}

// How this run went, for the log's trailer. A resumed run does not know how long the earlier
// ones took: no duration.
reports::CampaignRun this_run(const CampaignOptions& options, const RunSettings& settings, const CampaignResult& r,
                              double seconds) {
  reports::CampaignRun run;
  // A shard says which one: the report of merged shard logs lists each.
  const std::string shard =
      options.shards > 1 ? " shard " + std::to_string(options.shard) + "/" + std::to_string(options.shards) : "";
  run.label = settings.label.empty() ? options.engine + shard : settings.label;
  run.engine = options.engine;
  run.seed = options.seed;
  run.threads = r.threads;
  run.first_graph = 0;
  run.graphs = static_cast<int>(r.done);
  if (r.resumed_from == 0) run.duration_s = seconds;
  return run;
}

// A graph a person should replay — a mismatch, an error — is saved beside the log (the minimal
// one when shrinking made one), and its record says where.
// Files are named by the graph's position in the whole campaign, so a shard's saved graphs
// have the names the unsharded campaign gives them.
void save_graph_to_replay(reports::GraphRecord& g, std::size_t position, const std::string& out_dir) {
  if (g.verdict != oracles::Verdict::mismatch && g.verdict != oracles::Verdict::error_raised) return;
  const bool minimal = !g.minimal_tcg.empty();
  const std::string& text = minimal ? g.minimal_tcg : g.tcg;
  if (text.empty()) return;
  const std::string file = saved_graph_file(static_cast<int>(position), minimal);
  const fs::path path = fs::path(out_dir) / file;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);  // an error shows in the write
  reports::write_file_atomically(path.string(), text);
  g.annotations.tcg_file = file;
}

// Runs jobs[first...] and appends them to `log`, which holds jobs[0, first) counted in `r`.
CampaignResult drive(const CampaignOptions& options, const std::vector<Job>& jobs, reports::LogAppender& log,
                     const EngineFactory& make_engine, const RunSettings& settings, const ProgressFn& progress,
                     CampaignResult r, Progress p, OpMix mix) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      settings.time_limit > 0 ? start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(settings.time_limit))
                              : Clock::time_point::max();
  const int threads =
      settings.threads > 0 ? settings.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  r.threads = threads;
  Tally tally{r, p, std::move(mix)};

  StopSignals stop_signals;
  IgnoreFileSizeSignal ignore_xfsz;
  ProcessPool pool(threads, {options.graph_timeout, static_cast<std::uint64_t>(options.memory_limit_mb) << 20});
  // Graphs are written in order; a slow graph holds back at most this many finished ones. Wide
  // enough that a graph taking seconds among graphs taking milliseconds does not idle the pool
  // (with 4 x threads, 100 graphs took 20% longer); a few KB each in memory.
  const std::size_t window = std::max<std::size_t>(64 * static_cast<std::size_t>(threads), 256);
  std::size_t next_start = r.done, next_write = r.done;
  std::map<std::size_t, GraphResult> finished;  // out of order, waiting for their turn
  bool starting = true;
  auto report_progress = [&] {
    if (!progress) return;
    p.running = pool.running();
    p.elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    p.op_mix = tally.mix.top(4);
    p.op_mix_graphs = tally.mix.graphs();
    progress(p);
  };
  // Each worker checks a batch of graphs, one after another, each on a fresh engine with the
  // tensor ids restarted (this process's, and a module's or plugin's own copy's), as a process
  // of its own would: forking a worker and its first touch of memory cost about as much as
  // checking a small graph (bench/BENCHMARKS.md, "Several graphs per worker"). A plugin that
  // cannot restart its ids gets one graph per worker. A graph whose worker died on it is
  // recorded so (a crash, a timeout) only if it was its worker's first; otherwise it is checked
  // again first in a new worker, so that no record depends on which graphs shared a worker.
  std::function<void()> restart_engine_ids;
  try {
    restart_engine_ids = eut::tensor_id_restart(options.engine);
  } catch (const tc::Error&) {
    // Not an engine this process can name (its factory says why, per graph): a worker per graph.
  }
  const std::size_t graphs_per_worker = restart_engine_ids ? kGraphsPerWorker : 1;
  std::set<std::size_t> again;  // graphs whose worker ended before their turn: started before new ones
  std::set<std::size_t> alone;  // graphs to check first in a new worker
  auto check_graph = [&](std::size_t i, const std::string& dir) {
    restart_tensor_ids();
    if (restart_engine_ids) restart_engine_ids();
    return run_graph_job(jobs[i], i, options, make_engine, dir, settings.verbose);
  };
  auto have_work = [&] {
    return !alone.empty() || !again.empty() || (next_start < jobs.size() && next_start < next_write + window);
  };
  // A share of what is left per worker, so that the last batches end together.
  auto next_batch = [&] {
    const std::size_t left = jobs.size() - next_start + again.size() + alone.size();
    const std::size_t size =
        std::clamp<std::size_t>(left / static_cast<std::size_t>(threads), 1, graphs_per_worker);
    std::vector<std::size_t> batch;
    if (!alone.empty()) {
      batch.push_back(*alone.begin());
      alone.erase(alone.begin());
    }
    while (batch.size() < size && !again.empty()) {
      batch.push_back(*again.begin());
      again.erase(again.begin());
    }
    while (batch.size() < size && next_start < jobs.size() && next_start < next_write + window)
      batch.push_back(next_start++);
    return batch;
  };
  // A worker killed by SIGINT, SIGTERM or SIGHUP was stopped from outside — a `kill` aimed at
  // the campaign that reached a worker (they are forks with its command line: `pgrep -f`
  // finds them too), a job runner stopping a whole process tree — not crashed by its graph. Its
  // graph is checked again in a new worker (at most kRestarts times), or, if the campaign is
  // stopping too, left to --resume; it is not recorded as a crash. (Soak run 5 recorded one
  // such "crash".)
  constexpr int kRestarts = 2;
  std::map<std::size_t, int> restarts;
  auto stopped_from_outside = [](const WorkerOutcome& o) {
    return o.end == WorkerOutcome::End::signaled && (o.signal == SIGINT || o.signal == SIGTERM || o.signal == SIGHUP);
  };
  auto died_on_it = [](const WorkerOutcome& o) {
    return o.end != WorkerOutcome::End::exited || o.exit_code != 0;
  };
  // A graph's result, kept for the log unless its worker died on it after other graphs, or it
  // raised an error after other graphs (memory they left mapped under the worker's cap, say):
  // then false, and the graph is checked again first in a new worker.
  auto keep = [&](const WorkerOutcome& o) {
    if (died_on_it(o) && !o.first_in_worker) return false;
    GraphResult g = graph_result(jobs[o.task], o.task, o, options);
    if (g.record.verdict == oracles::Verdict::error_raised && !o.first_in_worker) return false;
    finished.emplace(o.task, std::move(g));
    return true;
  };
  // Keeps every worker busy; called again as soon as workers end, before their results are
  // written, so that the parent's own work never keeps a core idle.
  auto refill = [&] {
    while (starting && pool.has_room() && have_work()) {
      if (Clock::now() >= deadline) {
        starting = false;
        r.stop = Stop::time_limit;
        break;
      }
      if (!pool.start_batch(next_batch(), check_graph, deadline)) {
        // Out of processes or memory: finish what runs, leave the rest for --resume.
        starting = false;
        r.stop = Stop::out_of_processes;
        r.error = std::string("cannot start a worker process: ") + std::strerror(errno);
        break;
      }
    }
  };
  // Appends the finished graphs that are next in order; false if the log cannot be written.
  auto write_ready = [&] {
    try {
      for (auto it = finished.find(next_write); it != finished.end(); it = finished.find(next_write)) {
        GraphResult g = std::move(it->second);
        finished.erase(it);
        save_graph_to_replay(g.record, jobs[next_write].position, settings.out_dir);
        {
          CriticalSection no_exit_mid_write;
          // A mismatch or a crash is worth an fsync: it must survive even a power cut.
          log.append(g.record, g.findings, g.worker_failed || g.record.verdict == oracles::Verdict::mismatch);
        }
        tally.add(g.record, g.findings, jobs[next_write].generated);
        ++next_write;
      }
      return true;
    } catch (const reports::ReportError& e) {
      r.stop = Stop::write_failed;
      r.error = e.what();
      return false;
    }
  };
  report_progress();
  for (;;) {
    if (const int s = StopSignals::received()) {
      r.stop = Stop::interrupted;
      r.signal = s;
      break;
    }
    refill();
    if (pool.running() == 0 && (!have_work() || !starting)) break;
    for (WorkerOutcome& o : pool.wait(std::chrono::milliseconds(250))) {
      // Not checked, or to be checked again: left to --resume when the campaign stops.
      const bool stopping = !starting || StopSignals::received();
      if (o.end == WorkerOutcome::End::not_run) {
        if (!stopping) again.insert(o.task);
        continue;
      }
      if (stopped_from_outside(o) && restarts[o.task] < kRestarts) {
        if (stopping) continue;
        ++restarts[o.task];
        alone.insert(o.task);
        continue;
      }
      if (!keep(o) && !stopping) alone.insert(o.task);
    }
    if (!StopSignals::received()) refill();
    if (!write_ready()) break;
    report_progress();
  }
  // Interrupted, out of time or unable to write: the graphs the stopped workers had finished
  // are still written, in order (a worker's batch holds up to 16 of them); the graph each was
  // checking is lost, and --resume checks it.
  for (WorkerOutcome& o : pool.stop_all())
    if (!died_on_it(o)) keep(o);
  if (r.stop != Stop::write_failed) {
    write_ready();
    report_progress();
  }
  if (r.stop == Stop::complete && r.done == jobs.size()) {
    try {
      CriticalSection no_exit_mid_write;
      log.finish({this_run(options, settings, r, std::chrono::duration<double>(Clock::now() - start).count())});
    } catch (const reports::ReportError& e) {
      r.stop = Stop::write_failed;
      r.error = e.what();
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report_progress();
  write_report(r, settings);
  return r;
}

CampaignResult fresh_result(const CampaignOptions& options, const std::vector<Job>& jobs, const RunSettings& settings) {
  CampaignResult r;
  r.options = options;
  r.planned = jobs.size();
  r.log_path = log_path(settings.out_dir);
  r.report_path = report_path(settings.out_dir);
  return r;
}

}  // namespace

std::string log_path(const std::string& dir) { return (fs::path(dir) / "findings.jsonl").string(); }
std::string report_path(const std::string& dir) { return (fs::path(dir) / "report.html").string(); }
std::string saved_graph_file(int id, bool minimal) {
  return "graphs/graph-" + std::to_string(id) + (minimal ? ".min.tcg" : ".tcg");
}

CampaignResult run_campaign(const CampaignOptions& options, const EngineFactory& make_engine,
                            const RunSettings& settings, const ProgressFn& progress) {
  const std::vector<Job> jobs = plan_jobs(options);
  make_output_dir(settings.out_dir);
  const OutputLock lock(settings.out_dir);
  CampaignResult r = fresh_result(options, jobs, settings);
  reports::LogAppender log =
      reports::LogAppender::create(r.log_path, to_json(options, jobs.size()), mutants_run(options.engine));
  Progress p;
  p.planned = jobs.size();
  return drive(options, jobs, log, make_engine, settings, progress, std::move(r), p, OpMix{});
}

CampaignOptions recorded_options(const std::string& dir) {
  const std::string path = log_path(dir);
  // The header alone: the graphs are read once, by the resume itself (a 10^6-graph log read
  // whole here took more than 20 GB; and a torn end, which the resume cuts off, is no error).
  nlohmann::json campaign;
  try {
    campaign = reports::read_log_campaign(path);
  } catch (const reports::ReportError& e) {
    throw InputError(std::string(e.what()) + " (--resume takes the output directory of a campaign)");
  }
  if (campaign.is_null())
    throw InputError(path + ": the log records no campaign options (it was not written by a campaign of this "
                            "version); it cannot be resumed");
  return options_from_json(campaign, path);
}

CampaignResult resume_campaign(const CampaignOptions& options, const EngineFactory& make_engine,
                               const RunSettings& settings, const ProgressFn& progress) {
  const OutputLock lock(settings.out_dir);  // first: a second --resume fails before planning
  const std::vector<Job> jobs = plan_jobs(options);
  CampaignResult r = fresh_result(options, jobs, settings);
  // Read back condensed after the corpus graphs (which come first, and whose .tcg is checked
  // below): the tally needs every graph's verdicts but only counts of its agreeing findings,
  // and a 10^6-graph log read whole does not fit in memory.
  std::size_t corpus_graphs = 0;
  while (corpus_graphs < jobs.size() && !jobs[corpus_graphs].generated) ++corpus_graphs;
  reports::FindingsLog existing;
  reports::LogAppender log = reports::LogAppender::resume(r.log_path, existing, corpus_graphs);
  // The graphs on disk must be the ones this campaign plans, or the log would mix two campaigns.
  if (existing.campaign != to_json(options, jobs.size())) {
    const auto planned = existing.campaign.is_object() ? existing.campaign.find("planned") : existing.campaign.end();
    throw InputError(r.log_path + ": not the campaign these options describe: its options or its corpus changed (" +
                     (planned != existing.campaign.end() ? "it planned " + planned->dump() + " graphs, " : "") +
                     "now " + std::to_string(jobs.size()) + ")");
  }
  for (const reports::GraphRecord& g : existing.graphs) {
    const Job& job = jobs[static_cast<std::size_t>(g.id)];
    if (g.origin != job.origin || (!job.generated && g.tcg != graph::print_tcg(job.graph)))
      throw InputError(r.log_path + ": graph " + std::to_string(g.id) + " (" + g.origin +
                       ") is not what the campaign now plans there (" + job.origin + "): the corpus changed");
  }
  Progress p;
  p.planned = jobs.size();
  p.resumed_from = r.resumed_from = existing.graphs.size();
  OpMix mix;
  {
    Tally tally{r, p, {}};
    std::vector<std::vector<reports::FindingRecord>> by_graph(existing.graphs.size());
    for (reports::FindingRecord& f : existing.findings) by_graph[static_cast<std::size_t>(f.graph)].push_back(f);
    for (const reports::GraphRecord& g : existing.graphs)
      tally.add(g, by_graph[static_cast<std::size_t>(g.id)], jobs[static_cast<std::size_t>(g.id)].generated);
    for (const auto& [oracle, outcomes] : existing.omitted.per_oracle)
      for (const auto& [outcome, count] : outcomes) r.per_oracle[oracle][static_cast<int>(outcome)] += static_cast<int>(count);
    r.findings += static_cast<std::size_t>(existing.omitted.count);
    mix = std::move(tally.mix);
  }
  if (existing.complete) {
    existing = reports::FindingsLog{};  // the report reads the log again
    give_back_freed_memory();
    write_report(r, settings);
    return r;
  }
  // The log read back is tallied; holding it while the workers run would make every fork copy
  // the page tables of its memory (the soak's 448 MB log at 48 000 graphs was 2.2 GB resident:
  // the fork of each graph's worker spent the parent's CPU in the kernel, 14 graphs/s on an
  // idle machine instead of ~100). Freed, and the freed pages given back to the system.
  existing = reports::FindingsLog{};
  give_back_freed_memory();
  return drive(options, jobs, log, make_engine, settings, progress, std::move(r), p, std::move(mix));
}

}  // namespace tc::campaign
