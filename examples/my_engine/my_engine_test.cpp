// The user's own test suite: every graph in graphs/ checked with every tapecheck oracle.
#include <filesystem>

#include "my_engine.hpp"
#include "testing/gtest.hpp"

TEST(MyEngine, EveryExampleGraphMatchesTheOracles) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MY_ENGINE_GRAPHS)) {
    MyEngine engine;
    EXPECT_GRADIENTS_MATCH(engine, tc::testing::load_tcg(entry.path().string()));
    ++checked;
  }
  EXPECT_GE(checked, 2);
}
