// properties/checks.cpp: run_returns, the forked guard every property runs an engine behind.
#include "properties/checks.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace tc::properties {
namespace {

// An engine that touches `bytes` of fresh memory and then returns an empty result.
class Hungry : public eut::EngineUnderTest {
 public:
  explicit Hungry(std::size_t bytes) : bytes_(bytes) {}
  std::string name() const override { return "hungry"; }
  eut::RunResult run(const graph::Graph&, const eut::InputValues&) override {
    std::vector<char> block(bytes_);
    std::memset(block.data(), 1, block.size());
    volatile char sink = block[block.size() / 2];
    (void)sink;
    return {};
  }

 private:
  std::size_t bytes_;
};

constexpr long kMiB = 1L << 20;

TEST(RunReturns, AnEngineThatOutgrowsTheCapFailsAndOneWithinItReturns) {
  const graph::Graph g;
  Hungry small(4 * kMiB), big(400 * kMiB);
  EXPECT_EQ(run_returns(small, g, {}, 20, 128 * kMiB), "");
  EXPECT_NE(run_returns(big, g, {}, 20, 128 * kMiB).find("more than 128 MiB"), std::string::npos);
}

// What the test process itself holds does not count against the engine: the child starts
// with the parent's resident pages (under ASan the test process passes 1 GiB over a long
// run, and every engine run was reported as "more than 1024 MiB").
TEST(RunReturns, TheParentsResidentMemoryIsNotTheEngines) {
  std::vector<char> held(300 * kMiB);
  std::memset(held.data(), 1, held.size());
  const graph::Graph g;
  Hungry small(4 * kMiB);
  EXPECT_EQ(run_returns(small, g, {}, 20, 128 * kMiB), "");
  EXPECT_EQ(held[held.size() / 3], 1);
}

}  // namespace
}  // namespace tc::properties
