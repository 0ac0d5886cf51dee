// `tapecheck campaign [--graphs N] [--seed S] [--out DIR] [--threads T] [--time-limit SECONDS]`:
// the corpus graphs plus N random graphs (properties/generators.hpp) through every oracle on
// the reference engine; writes DIR/findings.jsonl and DIR/report.html and prints a
// one-paragraph summary. A mismatching graph is shrunk (properties/shrink.hpp) to a minimal one
// with a mismatch by the same oracle, within a budget.
//
// Each graph is checked in its own forked worker process (at most T at a time) with a memory
// cap and a time limit: an engine that crashes, exhausts memory or hangs on one graph becomes
// a finding about that graph ("crash" / "timeout"), not the end of the campaign. The parent
// never runs an engine or OpenMP itself, so forking is safe. Results are collected by graph
// index: the files are byte-identical for a seed whatever T (unless a time limit cuts in).
// Exit 0: no mismatch; 1: a mismatch; 2: bad input (a malformed corpus file, an unwritable
// output directory).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "eut/address_space_cap.hpp"
#include "eut/engine_under_test.hpp"
#include "graph/ir_util.hpp"
#include "graph/tcg.hpp"
#include "oracles/check_all.hpp"
#include "oracles/objective.hpp"
#include "reports/atomic_file.hpp"
#include "reports/findings_log.hpp"
#include "reports/html_report.hpp"

#ifdef TAPECHECK_HAVE_PROPERTIES
#include "properties/generators.hpp"
#include "properties/shrink.hpp"
#endif

namespace tc::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

struct Args {
  int graphs = 100;
  std::uint64_t seed = 0;
  std::string out = "out/campaign";
  int threads = 0;
  double time_limit = 30;
  double graph_timeout = 10;
  int memory_limit = 2048;  // MB per worker; 0 = none
  std::string corpus;
  std::string dot = "dot";
  int max_size = 40;
  int shrink_budget = 150;
  bool verbose = false;
};

struct Job {
  std::string origin;
  graph::Graph graph;          // corpus graphs: parsed up front
  bool generated = false;
  std::uint64_t gen_seed = 0;  // generated graphs: built in the worker
  int gen_size = 0;
  int gen_index = 0;
};

// What the worker of one job left behind, read by the parent.
struct JobFiles {
  std::string log, minimal, tcg;  // the graph's findings log, its minimal .tcg, its .tcg
};

// corpus/graphs relative to the working directory, else to the executable (build/bin/..).
std::string default_corpus() {
  if (fs::is_directory("corpus/graphs")) return "corpus/graphs";
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (fs::is_directory(dir / "corpus" / "graphs")) return (dir / "corpus" / "graphs").string();
  return "";
}

std::vector<std::string> corpus_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".tcg" && it->is_regular_file()) files.push_back(it->path().string());
  if (ec) throw InputError(dir + ": cannot list the corpus: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

void make_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError("cannot create output directory " + dir + ": " + ec.message());
  if (!fs::is_directory(dir)) throw InputError("cannot use output directory " + dir + ": not a directory");
  if (::access(dir.c_str(), W_OK) != 0)
    throw InputError("cannot write to output directory " + dir + ": " + std::strerror(errno));
}

#ifdef TAPECHECK_HAVE_PROPERTIES
// Greedy shrinking: the first candidate that still has a mismatch by one of `oracles` becomes
// the graph, until no candidate does, the budget is spent or the deadline passes.
graph::Graph minimize(const graph::Graph& g, const std::set<std::string>& mismatching, eut::EngineUnderTest& engine,
                      const oracles::CheckOptions& options, int budget, Clock::time_point deadline) {
  graph::Graph current = g;
  int checks = 0;
  bool improved = true;
  while (improved && checks < budget && Clock::now() < deadline) {
    improved = false;
    for (const graph::Graph& candidate : properties::shrink_candidates(current)) {
      if (checks >= budget || Clock::now() >= deadline) break;
      ++checks;
      const oracles::CheckReport r = oracles::check_graph(candidate, engine, options);
      bool same = false;
      for (const oracles::Finding& f : r.findings)
        same |= f.outcome == oracles::Outcome::mismatch && mismatching.count(f.oracle);
      if (same) {
        current = candidate;
        improved = true;
        break;
      }
    }
  }
  return current;
}
#endif

// The worker: builds the graph (generated ones), checks it, writes its one-graph findings log,
// then shrinks a mismatch and writes the minimal graph. Each file is complete or absent.
void worker(const Job& job_in, int index, const JobFiles& files, const Args& a, Clock::time_point deadline) {
  Job job = job_in;
  const Clock::time_point t0 = Clock::now();
  // Test hook (tests/cli): TAPECHECK_TEST_WORKER_FAULT="crash:<index>" or "hang:<index>" makes
  // that graph's worker die of SIGSEGV or never finish, as a broken engine would.
  if (const char* fault = std::getenv("TAPECHECK_TEST_WORKER_FAULT")) {
    const std::string f = fault;
    if (f == "crash:" + std::to_string(index)) ::raise(SIGSEGV);
    if (f == "hang:" + std::to_string(index))
      for (;;) ::pause();
  }
#ifdef TAPECHECK_HAVE_PROPERTIES
  if (job.generated) {
    job.graph = properties::build_graph(properties::GenOptions{}, job.gen_seed, job.gen_size);
    if (job.graph.name.empty() || job.graph.name == "gen") job.graph.name = "gen_" + std::to_string(job.gen_index);
  }
#endif
  reports::write_file_atomically(files.tcg, graph::print_tcg(job.graph), false);
  auto engine = eut::make_reference_engine();
  oracles::CheckOptions options;
  options.seed = a.seed;
  options.threads = 1;  // parallel across graphs, not inside one
  const oracles::CheckReport report = oracles::check_graph(job.graph, *engine, options);
  reports::FindingsLog log;
  reports::append(log, job.graph, report, job.origin, a.seed);
  reports::write_file_atomically(files.log, reports::to_jsonl(log), false);
  if (a.verbose)
    std::cerr << "graph " << index << " (" << job.origin << "): " << oracles::verdict_name(report.verdict) << " in "
              << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
#ifdef TAPECHECK_HAVE_PROPERTIES
  if (report.verdict == oracles::Verdict::mismatch && a.shrink_budget > 0) {
    std::set<std::string> mismatching;
    for (const oracles::Finding& f : report.findings)
      if (f.outcome == oracles::Outcome::mismatch) mismatching.insert(f.oracle);
    // Shrinking gets half the worker's time, so that the check's own result always survives.
    const Clock::time_point stop = std::min(deadline, t0 + seconds(a.graph_timeout / 2));
    const graph::Graph small = minimize(job.graph, mismatching, *engine, options, a.shrink_budget, stop);
    if (!graph::structurally_equal(small, job.graph))
      reports::write_file_atomically(files.minimal, graph::print_tcg(small), false);
    if (a.verbose)
      std::cerr << "graph " << index << ": shrunk in "
                << std::chrono::duration<double>(Clock::now() - t0).count() << " s in all\n";
  }
#endif
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string read_or_empty(const std::string& path) {
  try {
    return reports::read_file(path);
  } catch (const reports::ReportError&) {
    return "";
  }
}

struct Running {
  pid_t pid = -1;
  std::size_t job = 0;
  Clock::time_point started;
  bool killed = false;  // by us, for the time limit
};

}  // namespace

void register_campaign(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "campaign", "Check the corpus and N random graphs on the reference engine; write a findings log and an "
                  "HTML report. Exit 0 no mismatch, 1 mismatch, 2 bad input");
  auto a = std::make_shared<Args>();
  cmd->add_option("--graphs", a->graphs, "Random graphs to generate (default 100)")->check(CLI::Range(0, 1000000));
  cmd->add_option("--seed", a->seed, "Seed of the generated graphs and of the oracles (default 0)");
  cmd->add_option("--out", a->out, "Output directory (default out/campaign)");
  cmd->add_option("--threads", a->threads, "Graphs checked in parallel, one process each (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--time-limit", a->time_limit,
                  "Seconds after which no new graph is started (0 = none; default 30)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--graph-timeout", a->graph_timeout,
                  "Seconds one graph may take (check and shrinking) before its worker is killed (default 10)")
      ->check(CLI::Range(0.01, 1e7));
  cmd->add_option("--memory-limit", a->memory_limit, "Address space each worker may take beyond what it maps at fork, in MB (0 = none; default 2048)")
      ->check(CLI::Range(0, 1 << 24));
  cmd->add_option("--corpus", a->corpus, "Directory of .tcg graphs checked first (default corpus/graphs)");
  cmd->add_option("--max-size", a->max_size, "Largest generator size parameter (default 40)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--shrink-budget", a->shrink_budget,
                  "Checks spent shrinking each mismatching graph (0 = no shrinking; default 150)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_flag("--verbose", a->verbose, "Print each graph's origin, verdict and time to stderr");
  cmd->add_option("--dot", a->dot, "The Graphviz dot command for the report's drawings (default dot)");
  cmd->callback([a] {
    guarded([&] {
      const Clock::time_point start = Clock::now();
      const Clock::time_point deadline =
          a->time_limit > 0 ? start + seconds(a->time_limit) : Clock::time_point::max();

      // Everything that can be bad input is checked before any graph runs.
      const std::string corpus = a->corpus.empty() ? default_corpus() : a->corpus;
      if (!a->corpus.empty() && !fs::is_directory(a->corpus))
        throw InputError(a->corpus + ": no such corpus directory");
      std::vector<Job> jobs;
      if (!corpus.empty())
        for (const std::string& file : corpus_files(corpus)) {
          Job j;
          j.origin = file;
          j.graph = load_graph(file);
          jobs.push_back(std::move(j));
        }
#ifdef TAPECHECK_HAVE_PROPERTIES
      for (int i = 0; i < a->graphs; ++i) {
        Job j;
        j.generated = true;
        j.gen_index = i;
        j.gen_seed = oracles::mix_seed(a->seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(i) + 1);
        j.gen_size = 1 + (i * 7) % a->max_size;
        std::ostringstream origin;
        origin << "generated: build_graph(seed=" << j.gen_seed << ", size=" << j.gen_size << ")";
        j.origin = origin.str();
        jobs.push_back(std::move(j));
      }
      const bool have_generator = true;
#else
      const bool have_generator = false;
#endif
      make_output_dir(a->out);
      const std::string log_path = (fs::path(a->out) / "findings.jsonl").string();
      const std::string html_path = (fs::path(a->out) / "report.html").string();

      // Scratch space for the workers' results, removed at the end.
      std::string scratch_tmpl = (fs::temp_directory_path() / "tapecheck-campaign-XXXXXX").string();
      if (!::mkdtemp(scratch_tmpl.data()))
        throw InputError("cannot create a temporary directory: " + std::string(std::strerror(errno)));
      const std::string scratch = scratch_tmpl;
      struct Cleanup {
        std::string dir;
        ~Cleanup() {
          std::error_code ec;
          fs::remove_all(dir, ec);
        }
      } cleanup{scratch};
      auto files_of = [&](std::size_t i) {
        const std::string base = scratch + "/" + std::to_string(i);
        return JobFiles{base + ".jsonl", base + ".min.tcg", base + ".tcg"};
      };

      const unsigned hw = std::thread::hardware_concurrency();
      const int threads = a->threads > 0 ? a->threads : std::max(1, static_cast<int>(hw));
      std::vector<int> status(jobs.size(), -1);    // wait status of each job's worker
      std::vector<bool> timed_out(jobs.size(), false), started(jobs.size(), false);
      std::vector<Running> running;
      std::size_t next = 0;
      bool out_of_time = false, fork_failed = false;
      const Clock::duration graph_timeout = seconds(a->graph_timeout);
      while (next < jobs.size() || !running.empty()) {
        while (static_cast<int>(running.size()) < threads && next < jobs.size()) {
          if (Clock::now() >= deadline) {
            out_of_time = true;
            next = jobs.size();
            break;
          }
          std::cout.flush();
          std::cerr.flush();
          std::fflush(nullptr);
          const pid_t pid = ::fork();
          if (pid < 0) {
            // Out of processes or memory: finish what runs, report the rest as not run.
            std::cerr << "warning: fork failed (" << std::strerror(errno) << "); "
                      << (jobs.size() - next) << " graphs not run\n";
            next = jobs.size();
            fork_failed = true;
            break;
          }
          if (pid == 0) {
            if (a->memory_limit > 0) eut::cap_address_space(static_cast<std::uint64_t>(a->memory_limit) << 20);
            int code = 0;
            try {
              worker(jobs[next], static_cast<int>(next), files_of(next), *a, deadline);
            } catch (const std::exception& e) {
              std::cerr << "warning: " << jobs[next].origin << ": " << e.what() << "\n";
              code = 3;
            } catch (...) {
              code = 3;
            }
            std::cerr.flush();
            ::_exit(code);
          }
          started[next] = true;
          running.push_back({pid, next, Clock::now(), false});
          ++next;
        }
        bool reaped = false;
        for (std::size_t k = 0; k < running.size();) {
          int st = 0;
          const pid_t r = ::waitpid(running[k].pid, &st, WNOHANG);
          if (r == running[k].pid || (r < 0 && errno == ECHILD)) {
            status[running[k].job] = r == running[k].pid ? st : -1;
            timed_out[running[k].job] = running[k].killed;
            running.erase(running.begin() + static_cast<std::ptrdiff_t>(k));
            reaped = true;
            continue;
          }
          if (!running[k].killed && Clock::now() - running[k].started > graph_timeout) {
            ::kill(running[k].pid, SIGKILL);
            running[k].killed = true;
          }
          ++k;
        }
        if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }

      // Collect, in job order.
      reports::FindingsLog log;
      std::size_t skipped = 0, corpus_run = 0, generated_run = 0, crashed = 0;
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (!started[i]) {
          ++skipped;
          continue;
        }
        (jobs[i].generated ? generated_run : corpus_run)++;
        const JobFiles files = files_of(i);
        const std::string text = read_or_empty(files.log);
        if (!text.empty()) {
          reports::FindingsLog one = reports::parse_findings_log(text, files.log);
          const int id = static_cast<int>(log.graphs.size());
          reports::GraphRecord g = std::move(one.graphs.at(0));
          g.id = id;
          g.minimal_tcg = read_or_empty(files.minimal);
          log.graphs.push_back(std::move(g));
          for (reports::FindingRecord& f : one.findings) {
            f.graph = id;
            log.findings.push_back(std::move(f));
          }
          continue;
        }
        // The worker died before writing its result: the graph itself is the finding.
        ++crashed;
        reports::GraphRecord g;
        g.id = static_cast<int>(log.graphs.size());
        g.origin = jobs[i].origin;
        g.engine = "reference";
        g.seed = a->seed;
        g.tcg = jobs[i].generated ? read_or_empty(files.tcg) : graph::print_tcg(jobs[i].graph);
        if (!g.tcg.empty()) {
          try {
            const graph::Graph parsed = graph::parse_tcg_syntax(g.tcg);
            g.name = parsed.name;
            g.ops = reports::ops_used(parsed);
          } catch (const std::exception&) {
          }
        }
        g.verdict = oracles::Verdict::error_raised;
        eut::RaisedError e;
        const int st = status[i];
        if (timed_out[i]) {
          e.kind = eut::ErrorKind::timeout;
          e.message = "checking this graph took longer than " + fmt_num(a->graph_timeout) +
                      " s; its worker was killed (--graph-timeout)";
        } else if (st != -1 && WIFSIGNALED(st)) {
          e.kind = eut::ErrorKind::crash;
          e.message = "the worker checking this graph died of signal " + std::to_string(WTERMSIG(st)) + " (" +
                      ::strsignal(WTERMSIG(st)) + ")" +
                      (a->memory_limit > 0 ? "; it may have run out of its " + std::to_string(a->memory_limit) +
                                                 " MB (--memory-limit)"
                                           : std::string());
        } else {
          e.kind = eut::ErrorKind::crash;
          e.message = "the worker checking this graph failed (exit status " +
                      std::to_string(st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1) + ")" +
                      (g.tcg.empty() ? "; the graph could not be built" : "");
        }
        g.run.error = e;
        log.graphs.push_back(std::move(g));
      }
      reports::write_findings_log(log_path, log);
      reports::HtmlOptions html;
      html.title = "tapecheck campaign report";
      html.source = "findings.jsonl";  // next to the report; no absolute path, so the report is relocatable
      html.dot_command = a->dot;
      reports::write_html_report(html_path, log, html);

      // The summary paragraph.
      int verdicts[4] = {0, 0, 0, 0};
      for (const reports::GraphRecord& g : log.graphs) ++verdicts[static_cast<int>(g.verdict)];
      std::map<std::string, std::array<int, 4>> per_oracle;
      for (const reports::FindingRecord& f : log.findings)
        ++per_oracle[f.finding.oracle][static_cast<int>(f.finding.outcome)];
      const double secs = std::chrono::duration<double>(Clock::now() - start).count();
      std::ostringstream s;
      s.setf(std::ios::fixed);
      s.precision(1);
      s << "Campaign: checked " << plural(corpus_run, "corpus graph") << " and " << plural(generated_run, "generated graph");
      if (!have_generator) s << " (no generator built: corpus only)";
      s << " on the reference engine, " << threads << " at a time, in " << secs << " s (seed " << a->seed
        << "): " << verdicts[0] << " agree, " << verdicts[1] << " mismatch, " << verdicts[2] << " inconclusive, "
        << verdicts[3] << " raised an error";
      if (crashed) s << " (" << crashed << " of them crashed or timed out)";
      s << ". " << log.findings.size() << " findings";
      if (!per_oracle.empty()) {
        s << " (";
        bool first = true;
        for (const auto& [oracle, c] : per_oracle) {
          s << (first ? "" : "; ") << oracle << ": " << c[0] << " agree, " << c[1] << " mismatch, " << c[2]
            << " inconclusive, " << c[3] << " n/a";
          first = false;
        }
        s << ")";
      }
      s << ".";
      if (skipped)
        s << (fork_failed ? " No more worker processes could be started: " : " The time limit stopped the campaign: ")
          << skipped << " graphs were not run.";
      else if (out_of_time) s << " The time limit was reached.";
      s << " Findings: " << log_path << "; report: " << html_path << ".";
      std::cout << s.str() << "\n";
      return verdicts[1] > 0 ? kExitMismatch : kExitOk;
    });
  });
}

}  // namespace tc::cli
