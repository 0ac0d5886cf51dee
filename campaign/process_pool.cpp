#include "campaign/process_pool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "campaign/stop_signals.hpp"
#include "engine/core/errors.hpp"
#include "eut/address_space_cap.hpp"
#include "reports/atomic_file.hpp"

namespace tc::campaign {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// A file descriptor that becomes readable when `pid` ends (Linux 5.3+), or -1.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  return static_cast<int>(fd);
#else
  return -1;
#endif
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// The worker's own timer, set again as each task starts: SIGALRM's default action ends the
// process, so that the limit holds without the parent.
void arm_own_timer(double wall_seconds) {
  if (wall_seconds <= 0) return;
  itimerval t{};
  const double whole = std::floor(wall_seconds);
  t.it_value.tv_sec = static_cast<time_t>(whole);
  t.it_value.tv_usec = static_cast<suseconds_t>((wall_seconds - whole) * 1e6);
  if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0) t.it_value.tv_usec = 1;
  ::setitimer(ITIMER_REAL, &t, nullptr);
}

// In the worker, before its first task: its own process group, death with the parent, default
// signal handling, its memory cap.
void become_worker(pid_t parent, const WorkerLimits& limits) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kWorkerOrphaned);  // the parent died before prctl
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGXFSZ, SIGPIPE, SIGCHLD}) ::signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  arm_own_timer(limits.wall_seconds);
  if (limits.memory_bytes > 0) eut::cap_address_space(limits.memory_bytes);
}

std::map<std::string, std::string> read_results(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    try {
      files[it->path().filename().string()] = reports::read_file(it->path().string());
    } catch (const reports::ReportError&) {
    }
  }
  return files;
}

}  // namespace

// Written by the worker as it goes through its batch, read by the parent: which task runs and
// since when (for its time limit), which ended well (for their outcomes after the worker ends).
// In a MAP_SHARED page of its own; lock-free atomics work across processes.
struct ProcessPool::BatchProgress {
  std::atomic<std::uint32_t> started{0};   // tasks begun
  std::atomic<std::uint32_t> finished{0};  // tasks whose body returned 0
  std::atomic<std::int64_t> started_at[kMaxBatch];  // steady clock, ns
  std::atomic<std::int64_t> ended_at[kMaxBatch];
  static_assert(std::atomic<std::int64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free);
};

ProcessPool::ProcessPool(int capacity, WorkerLimits limits) : capacity_(std::max(1, capacity)), limits_(limits) {
  std::string tmpl = (fs::temp_directory_path() / "tapecheck-workers-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw tc::Error("cannot create a temporary directory for worker results: " + std::string(std::strerror(errno)));
  scratch_ = tmpl;
}

ProcessPool::~ProcessPool() {
  stop_all();
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

std::string ProcessPool::task_dir(std::size_t task) const { return scratch_ + "/" + std::to_string(task); }

bool ProcessPool::start(std::size_t task, const Body& body) {
  return start_batch({task}, [&body](std::size_t, const std::string& dir) { return body(dir); });
}

bool ProcessPool::start_batch(const std::vector<std::size_t>& tasks, const BatchBody& body,
                              Clock::time_point no_start_after) {
  if (tasks.empty() || tasks.size() > kMaxBatch) throw tc::Error("ProcessPool: a batch has 1 to 64 tasks");
  for (std::size_t task : tasks) {
    const std::string dir = task_dir(task);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (::mkdir(dir.c_str(), 0700) != 0) return false;
  }
  void* shared = ::mmap(nullptr, sizeof(BatchProgress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return false;
  auto* progress = new (shared) BatchProgress;
  progress->started_at[0] = now_ns();  // the first task's time counts from the fork
  // Unflushed output would be written twice, by the parent and by the worker.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::munmap(shared, sizeof(BatchProgress));
    return false;
  }
  if (pid == 0) {
    become_worker(parent, limits_);
    for (std::uint32_t k = 0; k < tasks.size(); ++k) {
      if (k > 0) {
        if (Clock::now() >= no_start_after) break;
        progress->started_at[k] = now_ns();
        arm_own_timer(limits_.wall_seconds);
      }
      progress->started = k + 1;
      int code = kWorkerThrew;
      try {
        code = body(tasks[k], task_dir(tasks[k]));
      } catch (const std::exception& e) {
        std::cerr << "warning: worker " << tasks[k] << ": " << e.what() << "\n";
      } catch (...) {
        std::cerr << "warning: worker " << tasks[k] << ": unknown exception\n";
      }
      std::cout.flush();
      std::cerr.flush();
      if (code != 0) ::_exit(code);
      progress->ended_at[k] = now_ns();
      progress->finished = k + 1;
    }
    ::_exit(0);
  }
  ::setpgid(pid, pid);  // also here: whichever runs first, the group exists before any kill
  track_worker(pid);
  running_.push_back({pid, open_pidfd(pid), tasks, progress, 0, false});
  return true;
}

Clock::time_point ProcessPool::current_task_started(const Running& r) const {
  const std::uint32_t started = r.progress->started;
  return Clock::time_point(std::chrono::nanoseconds(r.progress->started_at[started > 0 ? started - 1 : 0]));
}

// Task k of the batch, which the worker finished: its files, read and removed.
WorkerOutcome ProcessPool::finished_task(const Running& r, std::size_t k) const {
  WorkerOutcome o;
  o.task = r.tasks[k];
  o.first_in_worker = k == 0;
  o.seconds = static_cast<double>(r.progress->ended_at[k] - r.progress->started_at[k]) * 1e-9;
  const std::string dir = task_dir(o.task);
  o.files = read_results(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return o;
}

std::vector<WorkerOutcome> ProcessPool::reap(const Running& r, int status, bool stopped) {
  untrack_worker(r.pid);
  if (r.pidfd >= 0) ::close(r.pidfd);
  // How the worker ended: the outcome of the task it was running.
  WorkerOutcome end;
  if (WIFEXITED(status)) {
    end.end = WorkerOutcome::End::exited;
    end.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    end.signal = WTERMSIG(status);
    if (stopped)
      end.end = WorkerOutcome::End::stopped;
    else if (r.killed_for_time || (limits_.wall_seconds > 0 && end.signal == SIGALRM))
      end.end = WorkerOutcome::End::timed_out;
    else
      end.end = WorkerOutcome::End::signaled;
  }
  const std::uint32_t finished = r.progress->finished;
  // A worker that died before its first task began (not stopped) ends on that task: a worker
  // that cannot start must not hand its tasks back for ever.
  const std::uint32_t started = std::max<std::uint32_t>(r.progress->started, stopped ? 0 : 1);
  const std::int64_t now = now_ns();
  std::vector<WorkerOutcome> outcomes;
  for (std::uint32_t k = static_cast<std::uint32_t>(r.reported); k < r.tasks.size(); ++k) {
    if (k < finished) {
      outcomes.push_back(finished_task(r, k));
      continue;
    }
    WorkerOutcome o;
    if (k < started) {
      o = end;
      o.seconds = static_cast<double>(now - r.progress->started_at[k]) * 1e-9;
    } else {
      o.end = WorkerOutcome::End::not_run;
    }
    o.task = r.tasks[k];
    o.first_in_worker = k == 0;
    const std::string dir = task_dir(o.task);
    if (o.end != WorkerOutcome::End::not_run) o.files = read_results(dir);
    std::error_code ec;
    fs::remove_all(dir, ec);
    outcomes.push_back(std::move(o));
  }
  ::munmap(r.progress, sizeof(BatchProgress));
  return outcomes;
}

std::vector<WorkerOutcome> ProcessPool::wait(std::chrono::milliseconds max_wait) {
  std::vector<WorkerOutcome> ended;
  if (running_.empty()) return ended;
  // Sleep until a worker ends, the earliest wall-clock limit, or max_wait.
  Clock::duration timeout = max_wait;
  if (limits_.wall_seconds > 0)
    for (const Running& r : running_)
      if (!r.killed_for_time)
        timeout = std::min(timeout, std::max(Clock::duration::zero(), current_task_started(r) +
                                                                          seconds(limits_.wall_seconds) - Clock::now()));
  const int ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(timeout).count());
  std::vector<pollfd> fds;
  for (const Running& r : running_)
    if (r.pidfd >= 0) fds.push_back({r.pidfd, POLLIN, 0});
  if (fds.size() == running_.size()) {
    ::poll(fds.data(), fds.size(), ms);  // EINTR (a signal) simply returns early
  } else {
    // Without pidfds: look again every few milliseconds.
    const timespec ts{0, std::min(ms, 5) * 1000000L};
    ::nanosleep(&ts, nullptr);
  }
  for (std::size_t k = 0; k < running_.size();) {
    Running& r = running_[k];
    // What it has finished so far, while it goes on.
    for (const std::uint32_t finished = r.progress->finished; r.reported < finished; ++r.reported)
      ended.push_back(finished_task(r, r.reported));
    int status = 0;
    const pid_t got = ::waitpid(r.pid, &status, WNOHANG);
    if (got == r.pid) {
      for (WorkerOutcome& o : reap(r, status, false)) ended.push_back(std::move(o));
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(k));
      continue;
    }
    if (limits_.wall_seconds > 0 && !r.killed_for_time &&
        Clock::now() >= current_task_started(r) + seconds(limits_.wall_seconds)) {
      ::kill(-r.pid, SIGKILL);
      ::kill(r.pid, SIGKILL);
      r.killed_for_time = true;
    }
    ++k;
  }
  return ended;
}

std::vector<WorkerOutcome> ProcessPool::stop_all() {
  for (const Running& r : running_) {
    ::kill(-r.pid, SIGKILL);
    ::kill(r.pid, SIGKILL);
  }
  std::vector<WorkerOutcome> ended;
  for (const Running& r : running_) {
    int status = 0;
    while (::waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
    }
    for (WorkerOutcome& o : reap(r, status, true)) ended.push_back(std::move(o));
  }
  running_.clear();
  return ended;
}

IsolatedRun run_isolated(const WorkerLimits& limits, const std::function<int(std::ostream& out)>& body) {
  static constexpr const char* kOutput = "output";
  ProcessPool pool(1, limits);
  const bool started = pool.start(0, [&](const std::string& dir) {
    std::ostringstream out;
    const int code = body(out);
    reports::write_file_atomically(dir + "/" + kOutput, out.str(), false);
    return code;
  });
  if (!started) throw tc::Error("cannot start a worker process: " + std::string(std::strerror(errno)));
  for (;;) {
    std::vector<WorkerOutcome> ended = pool.wait(std::chrono::milliseconds(1000));
    if (ended.empty()) continue;
    IsolatedRun run;
    run.outcome = std::move(ended.front());
    if (auto it = run.outcome.files.find(kOutput); it != run.outcome.files.end()) run.output = it->second;
    return run;
  }
}

}  // namespace tc::campaign
