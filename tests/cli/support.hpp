// Helpers of the CLI tests: running the tapecheck binary to completion or in the background
// (its own process group, a marker in its environment to find every process of it later).
// Scratch directories and waiting for events: tests/support/scratch.hpp.
#pragma once
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
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

#include "tests/support/scratch.hpp"

namespace tc::cli::test {

using tc::test::eventually;
using tc::test::slurp;
using TempDir = tc::test::ScratchDir;

struct Result {
  int code = -1;
  std::string out, err;
};

// Runs `tapecheck <args>` (args are shell words), capturing stdout, stderr and the exit code.
inline Result tapecheck(const std::string& args, const TempDir& dir, const std::string& env = "") {
  const std::string out = dir.file(".stdout"), err = dir.file(".stderr");
  const std::string cmd = (env.empty() ? "" : "env " + env + " ") + "'" + TAPECHECK_BIN + "' " + args + " >'" +
                          out + "' 2>'" + err + "'";
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

inline std::string corpus(const std::string& name) {
  return std::string(TAPECHECK_CORPUS_DIR) + "/" + name + ".tcg";
}

// How many graphs a campaign's corpus stage checks: the .tcg files of corpus/graphs (the
// corpus grows; the tests' counts follow it).
inline int corpus_size() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(TAPECHECK_CORPUS_DIR))
    n += e.path().extension() == ".tcg";
  return n;
}

inline bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// tapecheck running in the background, leader of its own process group (as a shell's job
// is), with TAPECHECK_TEST_MARKER=<marker> in its environment and its workers', and TMPDIR
// inside the test's directory.
class Background {
 public:
  struct Options {
    std::vector<std::string> env;       // NAME=value
    rlim_t file_size_limit = RLIM_INFINITY;
  };
  Background(const std::vector<std::string>& args, const TempDir& dir, const Options& options)
      : out_(dir.file(".bg-stdout")), err_(dir.file(".bg-stderr")),
        marker_("tapecheck-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++)) {
    pid_ = ::fork();
    if (pid_ != 0) return;
    ::setpgid(0, 0);
    const int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) std::_Exit(120);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::setenv("TAPECHECK_TEST_MARKER", marker_.c_str(), 1);
    // The workers' scratch directory: a campaign killed outright leaves it behind, in here.
    ::setenv("TMPDIR", dir.path.c_str(), 1);
    for (const std::string& kv : options.env) {
      const std::size_t eq = kv.find('=');
      ::setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
    }
    if (options.file_size_limit != RLIM_INFINITY) {
      const rlimit r{options.file_size_limit, options.file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &r);
    }
    std::vector<char*> argv{const_cast<char*>(TAPECHECK_BIN)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(TAPECHECK_BIN, argv.data());
    std::_Exit(121);
  }
  ~Background() {
    if (!reaped_) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  pid_t pid() const { return pid_; }
  const std::string& marker() const { return marker_; }
  // The raw wait status.
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status;
  }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string out_, err_, marker_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Pids of live (not zombie) processes whose environment holds TAPECHECK_TEST_MARKER=<marker>.
inline std::vector<pid_t> processes_with_marker(const std::string& marker) {
  std::vector<pid_t> found;
  const std::string needle = "TAPECHECK_TEST_MARKER=" + marker;
  DIR* proc = ::opendir("/proc");
  if (!proc) return found;
  while (const dirent* e = ::readdir(proc)) {
    const std::string name = e->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string env = slurp("/proc/" + name + "/environ");
    env.push_back('\0');
    if (env.find(needle + '\0') == std::string::npos) continue;
    const std::string stat = slurp("/proc/" + name + "/stat");
    const std::size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() && (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X'))
      continue;
    found.push_back(std::stoi(name));
  }
  ::closedir(proc);
  return found;
}

}  // namespace tc::cli::test
