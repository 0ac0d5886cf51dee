// SIGINT and SIGTERM while a campaign runs. The first asks it to stop cleanly: the driver sees
// received() != 0, starts no new graph, kills its workers, keeps what completed and writes
// the report. The second ends the process at once with status 128 + signal, after killing the
// workers — but never in the middle of a log write: inside a CriticalSection it waits for the
// section to end, so the log on disk stays whole.
//
// Handlers are async-signal-safe: they touch only lock-free atomics and call kill() and _exit().
#pragma once
#include <sys/types.h>

namespace tc::campaign {

class StopSignals {
 public:
  StopSignals();   // installs the handlers for SIGINT and SIGTERM, clears received()
  ~StopSignals();  // restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The first signal received since the handlers were installed; 0 if none.
  static int received();
  // As if `signal` had arrived (tests; a caller's own reason to stop).
  static void request(int signal);
};

// A stretch of work the second signal must not cut (appending a graph to the log).
class CriticalSection {
 public:
  CriticalSection();
  ~CriticalSection();  // exits now if a second signal arrived meanwhile
  CriticalSection(const CriticalSection&) = delete;
  CriticalSection& operator=(const CriticalSection&) = delete;
};

// The workers to kill before an immediate exit (ProcessPool registers its workers).
void track_worker(pid_t pid);
void untrack_worker(pid_t pid);

}  // namespace tc::campaign
