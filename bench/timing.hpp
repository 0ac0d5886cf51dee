// How every benchmark in bench/ times its figures: per-call seconds over batches that last long
// enough for the clock, the minimum over several batches (interference can only slow a batch
// down), and ratios taken from measurements interleaved in rounds (A B C, A B C ...) so that a
// drift of the clock rate or a burst of load hits both sides of a ratio alike.
#pragma once
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace tc::bench {

enum class Clock {
  wall,         // steady clock: for parallel work (threads > 1)
  thread_cpu,   // this thread's CPU time: single-threaded work, immune to other processes
  process_cpu,  // all threads' CPU time: the work a parallel run adds
};

inline double now(Clock clock) {
  if (clock == Clock::wall)
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec ts{};
  clock_gettime(clock == Clock::thread_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Seconds per call of `f`: the fastest of `batches` batches, each at least `batch_seconds` long.
template <class F>
double seconds_per_call(F&& f, Clock clock = Clock::thread_cpu, double batch_seconds = 0.02, int batches = 1) {
  auto time = [&](long reps) {
    const double t0 = now(clock);
    for (long i = 0; i < reps; ++i) f();
    return now(clock) - t0;
  };
  long reps = 1;
  double t = time(reps);
  while (t < batch_seconds) {
    reps = t <= 0 ? reps * 4 : std::max(reps * 2, static_cast<long>(1.2 * batch_seconds / t * reps));
    t = time(reps);
  }
  double best = t / reps;
  for (int b = 1; b < batches; ++b) best = std::min(best, time(reps) / reps);
  return best;
}

// Per-call seconds of several functions, measured in `rounds` interleaved rounds and reduced
// to each one's minimum.
template <class... F>
std::array<double, sizeof...(F)> interleaved_minimum(int rounds, Clock clock, F&&... fs) {
  std::array<double, sizeof...(F)> best;
  best.fill(1e300);
  for (int r = 0; r < rounds; ++r) {
    std::size_t i = 0;
    ((best[i] = std::min(best[i], seconds_per_call(fs, clock)), ++i), ...);
  }
  return best;
}

// The 1-minute load average: figures measured above nproc are noisy (and wall-clock ones
// meaningless); every benchmark reports it beside them.
inline double load_average() {
  double load = 0;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = 0;
    std::fclose(f);
  }
  return load;
}

}  // namespace tc::bench
