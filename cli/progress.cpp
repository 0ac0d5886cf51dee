#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace tc::cli {

namespace {

double rate(const campaign::Progress& p) {
  const std::size_t done_here = p.done - p.resumed_from;
  return p.elapsed > 0 && done_here > 0 ? static_cast<double>(done_here) / p.elapsed : 0;
}

// "12 s", "4 min 10 s", "2 h 05 min"; "?" before the first graph.
std::string duration_text(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  char buf[32];
  const long t = std::lround(s);
  if (t < 60) std::snprintf(buf, sizeof buf, "%ld s", t);
  else if (t < 3600) std::snprintf(buf, sizeof buf, "%ld min %02ld s", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld h %02ld min", t / 3600, (t % 3600) / 60);
  return buf;
}

std::string eta_text(const campaign::Progress& p) {
  const double r = rate(p);
  if (p.done >= p.planned) return "0 s";
  return r > 0 ? duration_text(static_cast<double>(p.planned - p.done) / r) : "?";
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

int terminal_width() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
  return 80;
}

}  // namespace

ProgressDisplay::ProgressDisplay(bool terminal, double interval_seconds)
    : terminal_(terminal), interval_(interval_seconds), last_(std::chrono::steady_clock::now()) {}

ProgressDisplay::~ProgressDisplay() { clear(); }

std::string ProgressDisplay::bar_text(const campaign::Progress& p, int width) {
  const double fraction = p.planned ? static_cast<double>(p.done) / static_cast<double>(p.planned) : 1;
  std::string tail = " " + std::to_string(p.done) + "/" + std::to_string(p.planned) + " " +
                     std::to_string(static_cast<int>(fraction * 100)) + "%  " + fixed1(rate(p)) + "/s  ETA " +
                     eta_text(p) + "  " + std::to_string(p.mismatches) + " mismatch  " + std::to_string(p.crashes) +
                     " crash  " + std::to_string(p.timeouts) + " timeout";
  // The op mix takes what room is left, whole ops only.
  const int room = width - 1 - 12 - static_cast<int>(tail.size());  // a bar of at least 10
  std::string mix;
  for (const auto& [op, n] : p.op_mix) {
    const std::string item = " " + op + " " +
                             std::to_string(p.op_mix_graphs ? 100 * n / static_cast<int>(p.op_mix_graphs) : 0) + "%";
    if (static_cast<int>((mix.empty() ? std::string("  ops:") : mix).size() + item.size()) > room) break;
    mix += (mix.empty() ? "  ops:" : "") + item;
  }
  tail += mix;
  const int bar = std::clamp(width - 1 - static_cast<int>(tail.size()) - 2, 10, 30);
  const int filled = static_cast<int>(std::floor(fraction * bar));
  std::string text = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                     std::string(static_cast<std::size_t>(bar - filled), '.') + "]" + tail;
  if (static_cast<int>(text.size()) > width - 1) text.resize(static_cast<std::size_t>(std::max(0, width - 1)));
  return text;
}

std::string ProgressDisplay::line_text(const campaign::Progress& p) {
  return "progress: " + std::to_string(p.done) + " of " + std::to_string(p.planned) + " graphs, " + fixed1(rate(p)) +
         " graphs/s, ETA " + eta_text(p) + ", " + std::to_string(p.mismatches) + " mismatches, " +
         std::to_string(p.crashes) + " crashes, " + std::to_string(p.timeouts) + " timeouts";
}

void ProgressDisplay::update(const campaign::Progress& p) {
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (terminal_) {
    if (drawn_ && since < 0.1 && p.done < p.planned) return;  // at most 10 frames a second
    // Two columns spare: a terminal echoing ^C after the bar must not wrap it to a new line.
    std::cerr << "\r" << bar_text(p, terminal_width() - 2) << "\033[K" << std::flush;
    drawn_ = true;
  } else {
    if (since < interval_) return;
    std::cerr << line_text(p) << "\n" << std::flush;
  }
  last_ = now;
}

void ProgressDisplay::clear() {
  if (terminal_ && drawn_) std::cerr << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace tc::cli
