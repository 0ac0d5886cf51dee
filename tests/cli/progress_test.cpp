// cli/progress: the bar and the plain line say done/planned, rate, ETA, mismatches, crashes,
// timeouts and the op mix, and the bar fits the terminal.
#include "cli/progress.hpp"

#include <gtest/gtest.h>

namespace tc::cli {
namespace {

campaign::Progress halfway() {
  campaign::Progress p;
  p.done = 60;
  p.planned = 110;
  p.resumed_from = 10;
  p.elapsed = 5;  // 50 graphs in 5 s: 10 graphs/s, 50 to go: 5 s
  p.mismatches = 2;
  p.crashes = 1;
  p.op_mix = {{"add", 40}, {"mul", 20}};
  p.op_mix_graphs = 50;
  return p;
}

TEST(Progress, TheBarSaysWhereTheCampaignIs) {
  const std::string bar = ProgressDisplay::bar_text(halfway(), 120);
  EXPECT_EQ(bar.rfind("[", 0), 0u) << bar;
  for (const char* part : {" 60/110 54%", "10.0/s", "ETA 5 s", "2 mismatch", "1 crash", "0 timeout",
                           "ops: add 80% mul 40%"})
    EXPECT_NE(bar.find(part), std::string::npos) << part << " in " << bar;
  EXPECT_LT(bar.size(), 120u);
  const std::string narrow = ProgressDisplay::bar_text(halfway(), 80);  // the op mix gives way first
  EXPECT_LE(narrow.size(), 79u);
  EXPECT_EQ(narrow.find("ops:"), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("0 timeout"), std::string::npos) << narrow;
  EXPECT_LE(ProgressDisplay::bar_text(halfway(), 40).size(), 39u);  // cut to a very narrow one
}

TEST(Progress, ThePlainLineForLogs) {
  EXPECT_EQ(ProgressDisplay::line_text(halfway()),
            "progress: 60 of 110 graphs, 10.0 graphs/s, ETA 5 s, 2 mismatches, 1 crashes, 0 timeouts");
  campaign::Progress start;
  start.planned = 10;
  EXPECT_NE(ProgressDisplay::line_text(start).find("ETA ?"), std::string::npos);
}

}  // namespace
}  // namespace tc::cli
