// Helpers of the campaign tests: scratch directories and waiting (tests/support/scratch.hpp),
// and passing a pid from a worker to the test through a pipe.
#pragma once
#include <unistd.h>

#include <cstdlib>

#include "tests/support/scratch.hpp"

namespace tc::campaign::test {

using tc::test::eventually;
using tc::test::process_gone;
using tc::test::slurp;
using TempDir = tc::test::ScratchDir;

// Reads one pid written by a worker into a pipe (blocks until it is written).
inline pid_t read_pid(int fd) {
  pid_t pid = 0;
  const ssize_t n = ::read(fd, &pid, sizeof pid);
  return n == static_cast<ssize_t>(sizeof pid) ? pid : -1;
}

inline void write_pid(int fd, pid_t pid) {
  if (::write(fd, &pid, sizeof pid) != static_cast<ssize_t>(sizeof pid)) std::_Exit(90);
}

}  // namespace tc::campaign::test
