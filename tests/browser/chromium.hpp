// Headless Chromium for the browser tests: finding it, running it on a fresh profile with no
// way to resolve a host, and small helpers on what it prints.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "reports/graph_dot.hpp"
#include "test_util.hpp"

namespace tc::test {

inline std::string find_chromium() {
  if (const char* e = std::getenv("TAPECHECK_CHROMIUM"); e && *e) return reports::have_executable(e) ? e : "";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"})
    if (reports::have_executable(name)) return name;
  return "";
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

inline std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// Runs `chromium` headless with a fresh profile and no way to resolve a host; its stdout.
inline std::string run_chromium(const std::string& chromium, const std::string& args, int width = 1280,
                                int height = 1800) {
  TempDir profile;
  const std::string cmd = "timeout 120 " + quote(chromium) +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --hide-scrollbars --host-resolver-rules=" + quote("MAP * ~NOTFOUND") +
                          " --user-data-dir=" + quote(profile.path) + " --window-size=" + std::to_string(width) + "," +
                          std::to_string(height) + " " + args + " 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    EXPECT_EQ(status, 0) << cmd;
  } else {
    ADD_FAILURE() << "could not run " << cmd;
  }
  return out;
}

}  // namespace tc::test
