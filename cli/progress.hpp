// The campaign's progress on stderr: on a terminal a one-line bar redrawn in place (graphs done
// of planned, graphs/s, ETA, mismatches, crashes and timeouts so far, the ops of the latest
// graphs); otherwise a plain line every `interval` seconds, for logs.
#pragma once
#include <chrono>
#include <string>

#include "campaign/campaign.hpp"

namespace tc::cli {

class ProgressDisplay {
 public:
  // `terminal`: redraw a bar in place; else plain lines.
  explicit ProgressDisplay(bool terminal, double interval_seconds = 10);
  ~ProgressDisplay();  // clears the bar

  void update(const campaign::Progress& p);
  void clear();  // removes the bar, so that what follows starts on a clean line

  // The bar's text for `p`, at most `width` columns (tests, and the capture in docs).
  static std::string bar_text(const campaign::Progress& p, int width);
  // The plain line for `p`.
  static std::string line_text(const campaign::Progress& p);

 private:
  bool terminal_;
  double interval_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace tc::cli
