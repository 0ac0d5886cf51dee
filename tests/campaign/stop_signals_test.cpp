// campaign/stop_signals: the first SIGINT/SIGTERM is a request to stop, the second an
// immediate exit (128 + signal) that kills the tracked workers first and waits for a critical
// section to end.
#include "campaign/stop_signals.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "campaign/process_pool.hpp"
#include "support.hpp"

namespace tc::campaign {
namespace {

TEST(StopSignals, TheFirstSignalIsARequestNotAnEnd) {
  struct sigaction before {};
  ::sigaction(SIGINT, nullptr, &before);
  {
    StopSignals guard;
    EXPECT_EQ(StopSignals::received(), 0);
    ::raise(SIGTERM);
    EXPECT_EQ(StopSignals::received(), SIGTERM);
  }
  struct sigaction after {};
  ::sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);  // restored
  StopSignals again;
  EXPECT_EQ(StopSignals::received(), 0);  // a new guard starts afresh
  StopSignals::request(SIGINT);
  EXPECT_EQ(StopSignals::received(), SIGINT);
}

TEST(StopSignals, TheSecondSignalExitsAtOnceAndTakesTheWorkers) {
  test::TempDir scratch;  // where the child, which exits at once, leaves its pool's directory
  int from_worker[2], to_test[2];
  ASSERT_EQ(::pipe(from_worker), 0);
  ASSERT_EQ(::pipe(to_test), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setenv("TMPDIR", scratch.path.c_str(), 1);
    StopSignals guard;
    ProcessPool pool(1, {});
    pool.start(0, [&](const std::string&) -> int {
      test::write_pid(from_worker[1], ::getpid());
      for (;;) ::pause();
    });
    const pid_t worker = test::read_pid(from_worker[0]);  // the worker runs
    test::write_pid(to_test[1], worker);
    ::raise(SIGINT);
    ::raise(SIGINT);
    std::_Exit(99);  // not reached
  }
  ::close(to_test[1]);
  const pid_t worker = test::read_pid(to_test[0]);
  ::close(to_test[0]);
  ::close(from_worker[0]);
  ::close(from_worker[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
  ASSERT_GT(worker, 0);
  EXPECT_TRUE(test::eventually([&] { return test::process_gone(worker); }));
}

TEST(StopSignals, TheSecondSignalWaitsForTheCriticalSection) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    StopSignals guard;
    ::raise(SIGTERM);
    {
      CriticalSection writing;
      ::raise(SIGTERM);
      test::write_pid(fds[1], 1);  // the section ran to its end
    }
    std::_Exit(99);  // not reached: the section's end exits
  }
  ::close(fds[1]);
  EXPECT_EQ(test::read_pid(fds[0]), 1);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
}

}  // namespace
}  // namespace tc::campaign
