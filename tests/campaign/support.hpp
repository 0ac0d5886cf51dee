// Helpers of the campaign tests: temporary directories, waiting for an observable event (never
// for a fixed time), and telling whether a process is gone.
#pragma once
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tc::campaign::test {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "tapecheck-campaign-test-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `event` until it holds. The bound only keeps a broken build from hanging the suite; no
// assertion depends on how long anything takes.
inline bool eventually(const std::function<bool()>& event, std::chrono::seconds bound = std::chrono::seconds(120)) {
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!event()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Gone, or a zombie waiting for whoever adopted it to reap it: in either case it runs no more.
inline bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const std::size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] == 'Z' || line[paren + 2] == 'X';
}

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
