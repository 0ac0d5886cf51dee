// Forked worker processes with limits, for running engines that may crash, hang or exhaust
// memory: what a worker does ends as a WorkerOutcome (its exit, its signal, or its timeout)
// with the files it left in its own result directory, never as the end of the caller. A worker
// may run a batch of tasks one after another (start_batch): each ends as an outcome of its
// own, with its own directory and its own time limit.
//
// Each worker is the leader of its own process group (a terminal's Ctrl-C reaches only the
// parent, which decides), dies with the thread that forked it (PR_SET_PDEATHSIG, checked
// against the race where the parent died first), and enforces its wall-clock limit itself
// (ITIMER_REAL) as well as being killed by the parent past it: no worker outlives its limit,
// even when the parent is SIGKILLed or stopped.
//
// The parent forks from the thread that owns the pool and must not run OpenMP or other threads
// itself (forking a multi-threaded process leaves the child with locks nobody will release).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace tc::campaign {

struct WorkerLimits {
  double wall_seconds = 0;         // 0 = none
  std::uint64_t memory_bytes = 0;  // address space beyond what the worker maps at fork; 0 = none
                                   // (eut/address_space_cap.hpp; not applied under ASan)
};

// How one task ended. A worker runs a batch of tasks one after another (start_batch): each
// task gets its own outcome, the one the worker's end hit taking the worker's end.
struct WorkerOutcome {
  enum class End : std::uint8_t {
    exited,     // returned or called exit: exit_code
    signaled,   // died of a signal it did not ask for: signal
    timed_out,  // killed past its wall-clock limit (by the parent or by its own timer)
    stopped,    // killed by stop_all()
    not_run,    // its worker ended before the task's turn (an earlier task of the batch ended
                // it, stop_all() came between tasks, or its start time had passed)
  };
  std::size_t task = 0;
  End end = End::exited;
  int exit_code = 0;
  int signal = 0;
  double seconds = 0;                         // wall-clock time from its start to its end
  bool first_in_worker = true;                // no task ran before it in its worker process
  std::map<std::string, std::string> files;   // its result directory: file name -> content
};

// Exit codes of a worker whose body could not run to its end.
inline constexpr int kWorkerThrew = 3;     // the body threw (the message went to stderr)
inline constexpr int kWorkerOrphaned = 4;  // the parent was gone before the worker started

class ProcessPool {
 public:
  // Runs in the worker. `dir` is its own empty result directory; the return value is its exit
  // code. Whatever the body leaves in `dir` comes back in WorkerOutcome::files.
  using Body = std::function<int(const std::string& dir)>;
  // Runs in the worker once per task of its batch, in the batch's order, each with its own
  // empty result directory. 0 goes on to the next task; any other value ends the worker with
  // that exit code (the task's outcome; the rest are not_run).
  using BatchBody = std::function<int(std::size_t task, const std::string& dir)>;
  static constexpr std::size_t kMaxBatch = 64;

  // Throws tc::Error if the scratch directory for results cannot be made.
  ProcessPool(int capacity, WorkerLimits limits);
  ~ProcessPool();  // stop_all(), then removes the scratch directory
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;

  int capacity() const { return capacity_; }
  std::size_t running() const { return running_.size(); }
  bool has_room() const { return static_cast<int>(running_.size()) < capacity_; }

  // Forks a worker running `body` for `task` (an id of the caller's; at most one running worker
  // per task). false if the system would make no more processes (errno says why).
  bool start(std::size_t task, const Body& body);

  // Forks one worker running `body` for each of `tasks` (1 to kMaxBatch, each with no running
  // worker) in turn: a process's start-up and its first touch of memory paid once for several
  // tasks. The wall-clock limit holds for each task from its own start. A task after the first
  // does not start at or past `no_start_after` (it is not_run). false as start().
  bool start_batch(const std::vector<std::size_t>& tasks, const BatchBody& body,
                   std::chrono::steady_clock::time_point no_start_after = std::chrono::steady_clock::time_point::max());

  // Waits until a worker ends, `max_wait` passes or a signal arrives; kills the workers past
  // their wall-clock limit on the way. Returns the outcomes of the tasks that ended: those a
  // running worker has finished (as soon as they are seen, its next task running), and all the
  // others of the workers that ended, reaped.
  std::vector<WorkerOutcome> wait(std::chrono::milliseconds max_wait);

  // Kills every running worker with its process group and reaps it (End::stopped).
  std::vector<WorkerOutcome> stop_all();

 private:
  struct BatchProgress;  // shared with the worker: which task runs, since when
  struct Running {
    pid_t pid = -1;
    int pidfd = -1;  // readable when the worker ends; -1 where pidfd_open is unavailable
    std::vector<std::size_t> tasks;
    BatchProgress* progress = nullptr;  // a shared mapping, unmapped when reaped
    std::size_t reported = 0;           // tasks whose outcome wait() returned while it ran
    bool killed_for_time = false;
  };
  WorkerOutcome finished_task(const Running& r, std::size_t k) const;
  std::chrono::steady_clock::time_point current_task_started(const Running& r) const;
  std::vector<WorkerOutcome> reap(const Running& r, int status, bool stopped);
  std::string task_dir(std::size_t task) const;

  int capacity_;
  WorkerLimits limits_;
  std::string scratch_;
  std::vector<Running> running_;
};

// `body` in one worker under `limits` (the isolation of a campaign's graphs, for one check):
// what it writes to `out` comes back as `output` when it finishes ("" if it did not).
struct IsolatedRun {
  WorkerOutcome outcome;
  std::string output;
};
IsolatedRun run_isolated(const WorkerLimits& limits, const std::function<int(std::ostream& out)>& body);

}  // namespace tc::campaign
