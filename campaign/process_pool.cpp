#include "campaign/process_pool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// In the worker, before its body: its own process group, death with the parent, default
// signal handling, its own timer and memory cap.
void become_worker(pid_t parent, const WorkerLimits& limits) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kWorkerOrphaned);  // the parent died before prctl
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGXFSZ, SIGPIPE, SIGCHLD}) ::signal(s, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (limits.wall_seconds > 0) {
    // SIGALRM's default action ends the process: the limit holds without the parent.
    itimerval t{};
    const double whole = std::floor(limits.wall_seconds);
    t.it_value.tv_sec = static_cast<time_t>(whole);
    t.it_value.tv_usec = static_cast<suseconds_t>((limits.wall_seconds - whole) * 1e6);
    if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0) t.it_value.tv_usec = 1;
    ::setitimer(ITIMER_REAL, &t, nullptr);
  }
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
  const std::string dir = task_dir(task);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (::mkdir(dir.c_str(), 0700) != 0) return false;
  // Unflushed output would be written twice, by the parent and by the worker.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    become_worker(parent, limits_);
    int code = kWorkerThrew;
    try {
      code = body(dir);
    } catch (const std::exception& e) {
      std::cerr << "warning: worker " << task << ": " << e.what() << "\n";
    } catch (...) {
      std::cerr << "warning: worker " << task << ": unknown exception\n";
    }
    std::cout.flush();
    std::cerr.flush();
    ::_exit(code);
  }
  ::setpgid(pid, pid);  // also here: whichever runs first, the group exists before any kill
  track_worker(pid);
  running_.push_back({pid, open_pidfd(pid), task, Clock::now(), false});
  return true;
}

WorkerOutcome ProcessPool::reap(const Running& r, int status, bool stopped) {
  untrack_worker(r.pid);
  if (r.pidfd >= 0) ::close(r.pidfd);
  WorkerOutcome o;
  o.task = r.task;
  o.seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
  if (WIFEXITED(status)) {
    o.end = WorkerOutcome::End::exited;
    o.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    o.signal = WTERMSIG(status);
    if (stopped)
      o.end = WorkerOutcome::End::stopped;
    else if (r.killed_for_time || (limits_.wall_seconds > 0 && o.signal == SIGALRM))
      o.end = WorkerOutcome::End::timed_out;
    else
      o.end = WorkerOutcome::End::signaled;
  }
  const std::string dir = task_dir(r.task);
  o.files = read_results(dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return o;
}

std::vector<WorkerOutcome> ProcessPool::wait(std::chrono::milliseconds max_wait) {
  std::vector<WorkerOutcome> ended;
  if (running_.empty()) return ended;
  // Sleep until a worker ends, the earliest wall-clock limit, or max_wait.
  Clock::duration timeout = max_wait;
  if (limits_.wall_seconds > 0)
    for (const Running& r : running_)
      if (!r.killed_for_time)
        timeout = std::min(timeout, std::max(Clock::duration::zero(),
                                             r.started + seconds(limits_.wall_seconds) - Clock::now()));
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
    int status = 0;
    const pid_t got = ::waitpid(r.pid, &status, WNOHANG);
    if (got == r.pid) {
      ended.push_back(reap(r, status, false));
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(k));
      continue;
    }
    if (limits_.wall_seconds > 0 && !r.killed_for_time &&
        Clock::now() >= r.started + seconds(limits_.wall_seconds)) {
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
    ended.push_back(reap(r, status, true));
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
