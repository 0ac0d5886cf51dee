// campaign/process_pool: workers end as outcomes — exit codes with their files, crashes,
// timeouts enforced by the parent and by the worker itself, stops that take the worker's
// process group along, death with the parent — batches of tasks in one worker, each task
// with its own outcome and time limit — and run_isolated.
#include "campaign/process_pool.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <new>
#include <thread>
#include <vector>

#include "eut/address_space_cap.hpp"
#include "support.hpp"

namespace tc::campaign {
namespace {

using End = WorkerOutcome::End;
using test::eventually;
using test::process_gone;

// Waits for the next outcome of `pool` (there must be a running worker).
WorkerOutcome next_outcome(ProcessPool& pool) {
  for (;;) {
    std::vector<WorkerOutcome> ended = pool.wait(std::chrono::milliseconds(500));
    if (!ended.empty()) return ended.front();
  }
}

[[noreturn]] void hang() {
  for (;;) ::pause();
}

TEST(ProcessPool, ReturnsTheExitCodeAndTheFilesLeft) {
  ProcessPool pool(2, {});
  ASSERT_TRUE(pool.start(5, [](const std::string& dir) {
    std::ofstream(dir + "/result.txt") << "forty-two";
    std::ofstream(dir + "/second") << "2";
    return 7;
  }));
  EXPECT_EQ(pool.running(), 1u);
  const WorkerOutcome o = next_outcome(pool);
  EXPECT_EQ(o.task, 5u);
  EXPECT_EQ(o.end, End::exited);
  EXPECT_EQ(o.exit_code, 7);
  EXPECT_EQ(o.files, (std::map<std::string, std::string>{{"result.txt", "forty-two"}, {"second", "2"}}));
  EXPECT_EQ(pool.running(), 0u);
}

TEST(ProcessPool, AThrowingBodyExitsWithItsOwnCode) {
  ProcessPool pool(1, {});
  ASSERT_TRUE(pool.start(0, [](const std::string&) -> int { throw std::runtime_error("broken"); }));
  const WorkerOutcome o = next_outcome(pool);
  EXPECT_EQ(o.end, End::exited);
  EXPECT_EQ(o.exit_code, kWorkerThrew);
}

TEST(ProcessPool, ACrashIsASignalNotTheEndOfTheCaller) {
  ProcessPool pool(1, {});
  // SIGABRT: sanitizers leave it alone, as they do not SIGSEGV.
  ASSERT_TRUE(pool.start(0, [](const std::string& dir) {
    std::ofstream(dir + "/before") << "x";
    ::raise(SIGABRT);
    return 0;
  }));
  const WorkerOutcome o = next_outcome(pool);
  EXPECT_EQ(o.end, End::signaled);
  EXPECT_EQ(o.signal, SIGABRT);
  EXPECT_EQ(o.files.count("before"), 1u);  // what it wrote before dying is still there
}

TEST(ProcessPool, TheParentKillsAHangingWorkerAtItsLimit) {
  ProcessPool pool(1, {0.2, 0});
  ASSERT_TRUE(pool.start(0, [](const std::string&) -> int { hang(); }));
  const WorkerOutcome o = next_outcome(pool);
  EXPECT_EQ(o.end, End::timed_out);
}

TEST(ProcessPool, AWorkerEndsItselfAtItsLimitWithoutTheParent) {
  // The parent does not call wait() until the worker is gone: only the worker's own timer can
  // end it. The pipe's write end closes when the worker dies, which ends the read.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ProcessPool pool(1, {0.2, 0});
  ASSERT_TRUE(pool.start(0, [&](const std::string&) -> int {
    ::close(fds[0]);
    hang();
  }));
  ::close(fds[1]);
  char c;
  EXPECT_EQ(::read(fds[0], &c, 1), 0);  // EOF: the worker died
  ::close(fds[0]);
  const WorkerOutcome o = next_outcome(pool);
  EXPECT_EQ(o.end, End::timed_out);
  EXPECT_EQ(o.signal, SIGALRM);
}

TEST(ProcessPool, ASlowWorkerWithinItsLimitFinishes) {
  ProcessPool pool(2, {60, 0});
  for (std::size_t t = 0; t < 2; ++t)
    ASSERT_TRUE(pool.start(t, [](const std::string&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return 0;
    }));
  EXPECT_FALSE(pool.has_room());
  std::vector<WorkerOutcome> all;
  while (all.size() < 2)
    for (WorkerOutcome& o : pool.wait(std::chrono::milliseconds(500))) all.push_back(std::move(o));
  for (const WorkerOutcome& o : all) {
    EXPECT_EQ(o.end, End::exited);
    EXPECT_EQ(o.exit_code, 0);
  }
}

TEST(ProcessPool, StopAllKillsTheWorkerAndItsProcessGroup) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ProcessPool pool(1, {});
  ASSERT_TRUE(pool.start(0, [&](const std::string&) -> int {
    // A child of the worker (as an engine might start), in the worker's process group.
    const pid_t grandchild = ::fork();
    if (grandchild == 0) hang();
    test::write_pid(fds[1], ::getpid());
    test::write_pid(fds[1], grandchild);
    hang();
  }));
  ::close(fds[1]);
  const pid_t worker = test::read_pid(fds[0]);
  const pid_t grandchild = test::read_pid(fds[0]);
  ::close(fds[0]);
  ASSERT_GT(worker, 0);
  ASSERT_GT(grandchild, 0);
  EXPECT_EQ(::getpgid(grandchild), worker);  // the worker leads its own group
  const std::vector<WorkerOutcome> stopped = pool.stop_all();
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].end, End::stopped);
  EXPECT_TRUE(process_gone(worker));
  EXPECT_TRUE(eventually([&] { return process_gone(grandchild); }));
}

TEST(ProcessPool, WorkersDieWithTheirParent) {
  // A middle process owns a pool with a worker that would run forever, and is SIGKILLed: the
  // worker must not outlive it.
  test::TempDir scratch;  // where the killed middle process leaves its pool's directory
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    ::setenv("TMPDIR", scratch.path.c_str(), 1);
    ProcessPool pool(1, {});
    pool.start(0, [&](const std::string&) -> int {
      test::write_pid(fds[1], ::getpid());
      hang();
    });
    hang();
  }
  ::close(fds[1]);
  const pid_t worker = test::read_pid(fds[0]);
  ::close(fds[0]);
  ASSERT_GT(worker, 0);
  EXPECT_FALSE(process_gone(worker));
  ::kill(middle, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(middle, &status, 0), middle);
  EXPECT_TRUE(eventually([&] { return process_gone(worker); }));
}

TEST(ProcessPool, TheMemoryLimitMakesAllocationsFail) {
  if (eut::address_space_cap_unsupported()) GTEST_SKIP() << "no address-space cap under ASan";
  ProcessPool pool(1, {0, std::uint64_t{256} << 20});
  ASSERT_TRUE(pool.start(0, [](const std::string&) {
    try {
      std::vector<char> big(std::size_t{2} << 30, 1);
      return big[0] == 1 ? 1 : 2;
    } catch (const std::bad_alloc&) {
      return 0;
    }
  }));
  const WorkerOutcome o = next_outcome(pool);
  EXPECT_EQ(o.end, End::exited);
  EXPECT_EQ(o.exit_code, 0);
}

// Every outcome of the workers running now, sorted by task.
std::vector<WorkerOutcome> all_outcomes(ProcessPool& pool) {
  std::vector<WorkerOutcome> all;
  while (pool.running() > 0)
    for (WorkerOutcome& o : pool.wait(std::chrono::milliseconds(500))) all.push_back(std::move(o));
  std::sort(all.begin(), all.end(), [](const WorkerOutcome& a, const WorkerOutcome& b) { return a.task < b.task; });
  return all;
}

TEST(ProcessPool, ABatchRunsEachTaskInOneProcessWithADirectoryOfItsOwn) {
  ProcessPool pool(1, {});
  ASSERT_TRUE(pool.start_batch({3, 4, 5}, [](std::size_t task, const std::string& dir) {
    std::ofstream(dir + "/task") << task;
    std::ofstream(dir + "/pid") << ::getpid();
    return 0;
  }));
  const std::vector<WorkerOutcome> all = all_outcomes(pool);
  ASSERT_EQ(all.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(all[k].task, 3 + k);
    EXPECT_EQ(all[k].end, End::exited);
    EXPECT_EQ(all[k].exit_code, 0);
    EXPECT_EQ(all[k].first_in_worker, k == 0);
    EXPECT_EQ(all[k].files.at("task"), std::to_string(3 + k));  // its own directory, nobody else's
    EXPECT_EQ(all[k].files.at("pid"), all[0].files.at("pid"));  // one process
  }
}

TEST(ProcessPool, AWorkerThatDiesOnATaskHandsBackTheRestNotRun) {
  ProcessPool pool(1, {});
  ASSERT_TRUE(pool.start_batch({0, 1, 2}, [](std::size_t task, const std::string& dir) {
    std::ofstream(dir + "/begun") << "x";
    if (task == 1) ::raise(SIGABRT);
    return 0;
  }));
  const std::vector<WorkerOutcome> all = all_outcomes(pool);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].end, End::exited);
  EXPECT_EQ(all[1].end, End::signaled);
  EXPECT_EQ(all[1].signal, SIGABRT);
  EXPECT_FALSE(all[1].first_in_worker);
  EXPECT_EQ(all[1].files.count("begun"), 1u);
  EXPECT_EQ(all[2].end, End::not_run);
  EXPECT_TRUE(all[2].files.empty());
}

// A campaign writes a graph as soon as it is checked: a slow graph later in the batch must not
// hold back those before it.
TEST(ProcessPool, AFinishedTaskIsReportedWhileItsWorkerGoesOn) {
  ProcessPool pool(1, {});
  ASSERT_TRUE(pool.start_batch({0, 1}, [](std::size_t task, const std::string& dir) -> int {
    std::ofstream(dir + "/done") << task;
    if (task == 1) hang();
    return 0;
  }));
  const WorkerOutcome first = next_outcome(pool);
  EXPECT_EQ(first.task, 0u);
  EXPECT_EQ(first.end, End::exited);
  EXPECT_EQ(first.files.at("done"), "0");
  EXPECT_EQ(pool.running(), 1u);  // still on task 1
  const std::vector<WorkerOutcome> stopped = pool.stop_all();
  ASSERT_EQ(stopped.size(), 1u);  // task 0 is not reported twice
  EXPECT_EQ(stopped[0].task, 1u);
  EXPECT_EQ(stopped[0].end, End::stopped);
}

TEST(ProcessPool, ANonZeroCodeEndsTheBatchAsThatTasksOutcome) {
  ProcessPool pool(1, {});
  ASSERT_TRUE(pool.start_batch({0, 1, 2}, [](std::size_t task, const std::string&) { return task == 0 ? 0 : 9; }));
  const std::vector<WorkerOutcome> all = all_outcomes(pool);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].exit_code, 0);
  EXPECT_EQ(all[1].end, End::exited);
  EXPECT_EQ(all[1].exit_code, 9);
  EXPECT_EQ(all[2].end, End::not_run);
}

// 3 tasks of 0.3 s under a limit of 0.6 s: the batch takes 0.9 s, but no task is past its own
// limit. A task that hangs is killed at its own limit, as a worker of its own would be.
TEST(ProcessPool, TheTimeLimitHoldsForEachTaskOfABatchFromItsOwnStart) {
  ProcessPool pool(2, {0.6, 0});
  ASSERT_TRUE(pool.start_batch({0, 1, 2}, [](std::size_t, const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return 0;
  }));
  ASSERT_TRUE(pool.start_batch({3, 4, 5}, [](std::size_t task, const std::string&) -> int {
    if (task == 4) hang();
    return 0;
  }));
  const std::vector<WorkerOutcome> all = all_outcomes(pool);
  ASSERT_EQ(all.size(), 6u);
  for (std::size_t k : {0, 1, 2, 3}) EXPECT_EQ(all[k].end, End::exited) << k;
  EXPECT_GE(all[2].seconds, 0.25);
  EXPECT_EQ(all[4].end, End::timed_out);
  EXPECT_EQ(all[5].end, End::not_run);
}

TEST(ProcessPool, NoTaskAfterTheFirstStartsPastTheBatchsStartTime) {
  ProcessPool pool(1, {});
  const auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  ASSERT_TRUE(pool.start_batch(
      {0, 1, 2},
      [](std::size_t, const std::string&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return 0;
      },
      soon));
  const std::vector<WorkerOutcome> all = all_outcomes(pool);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].end, End::exited);
  EXPECT_EQ(all[1].end, End::not_run);
  EXPECT_EQ(all[2].end, End::not_run);
}

TEST(RunIsolated, ReturnsWhatTheBodySaidAndItsCode) {
  const IsolatedRun run = run_isolated({}, [](std::ostream& out) {
    out << "verdict: agree\n";
    return 1;
  });
  EXPECT_EQ(run.outcome.end, End::exited);
  EXPECT_EQ(run.outcome.exit_code, 1);
  EXPECT_EQ(run.output, "verdict: agree\n");
}

TEST(RunIsolated, ATimeLimitStopsTheBodyAndNothingIsSaid) {
  const IsolatedRun run = run_isolated({0.2, 0}, [](std::ostream& out) -> int {
    out << "half a report";
    hang();
  });
  EXPECT_EQ(run.outcome.end, End::timed_out);
  EXPECT_EQ(run.output, "");
}

}  // namespace
}  // namespace tc::campaign
