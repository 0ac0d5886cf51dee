#include "campaign/stop_signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace tc::campaign {

namespace {

// --threads is at most 1024 workers; a few more slots cost nothing.
constexpr int kSlots = 2048;
std::atomic<pid_t> g_workers[kSlots];
std::atomic<int> g_first{0};         // the first signal
std::atomic<int> g_exit_pending{0};  // a second signal that arrived inside a critical section
std::atomic<int> g_critical{0};
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "signal handlers may only touch lock-free atomics");

struct sigaction g_previous[2];
constexpr int kSignals[2] = {SIGINT, SIGTERM};

[[noreturn]] void exit_now(int signal) {
  for (auto& slot : g_workers) {
    const pid_t pid = slot.load();
    if (pid > 0) {
      ::kill(-pid, SIGKILL);  // its process group: the worker and anything it started
      ::kill(pid, SIGKILL);
    }
  }
  ::_exit(128 + signal);
}

void on_signal(int signal) {
  int none = 0;
  if (g_first.compare_exchange_strong(none, signal)) return;  // the driver stops cleanly
  if (g_critical.load() > 0) {
    g_exit_pending.store(signal);
    return;
  }
  exit_now(signal);
}

}  // namespace

StopSignals::StopSignals() {
  g_first.store(0);
  g_exit_pending.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // Restart interrupted reads and writes; poll() and nanosleep() still return EINTR, which is
  // what wakes the driver.
  sa.sa_flags = SA_RESTART;
  for (int i = 0; i < 2; ++i) ::sigaction(kSignals[i], &sa, &g_previous[i]);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < 2; ++i) ::sigaction(kSignals[i], &g_previous[i], nullptr);
}

int StopSignals::received() { return g_first.load(); }

void StopSignals::request(int signal) {
  int none = 0;
  g_first.compare_exchange_strong(none, signal);
}

CriticalSection::CriticalSection() { g_critical.fetch_add(1); }

CriticalSection::~CriticalSection() {
  if (g_critical.fetch_sub(1) == 1 && g_exit_pending.load() != 0) exit_now(g_exit_pending.load());
}

void track_worker(pid_t pid) {
  for (auto& slot : g_workers) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void untrack_worker(pid_t pid) {
  for (auto& slot : g_workers) {
    pid_t mine = pid;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

}  // namespace tc::campaign
