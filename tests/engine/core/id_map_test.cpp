#include "engine/core/id_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace tc {
namespace {

TEST(IdMap, AnEmptyMapFindsNothing) {
  const IdMap<int> m;
  EXPECT_EQ(m.find(1), nullptr);
  EXPECT_FALSE(m.contains(42));
  EXPECT_TRUE(m.empty());
}

TEST(IdMap, TryEmplaceInsertsOnceAndReturnsTheExistingValueAfter) {
  IdMap<std::string> m;
  auto [first, fresh] = m.try_emplace(7, "seven");
  EXPECT_TRUE(fresh);
  EXPECT_EQ(*first, "seven");
  auto [again, fresh_again] = m.try_emplace(7, "other");
  EXPECT_FALSE(fresh_again);
  EXPECT_EQ(*again, "seven");
  EXPECT_EQ(m.size(), 1u);
}

// Growth rehashes every entry: after many inserts (consecutive ids, as the engine hands
// out, and scattered ones that collide in the table) every value is where it was put.
TEST(IdMap, AgreesWithStdMapThroughGrowth) {
  IdMap<std::int64_t> m;
  std::map<std::int64_t, std::int64_t> expected;
  std::mt19937_64 rng(3);
  for (std::int64_t i = 1; i <= 5000; ++i) {
    const std::int64_t id = i % 3 == 0 ? static_cast<std::int64_t>(rng() >> 2) + 1 : i;
    m[id] += i;
    expected[id] += i;
  }
  EXPECT_EQ(m.size(), expected.size());
  for (const auto& [id, value] : expected) {
    const std::int64_t* found = m.find(id);
    ASSERT_NE(found, nullptr) << id;
    EXPECT_EQ(*found, value) << id;
  }
  EXPECT_EQ(m.find(100000), nullptr);
}

TEST(IdMap, ReserveKeepsValuesAndClearEmpties) {
  IdMap<int> m;
  for (int i = 1; i <= 40; ++i) m[i] = i * i;
  m.reserve(10000);
  for (int i = 1; i <= 40; ++i) EXPECT_EQ(*m.find(i), i * i);
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.contains(3));
  m[3] = 9;  // usable after clear
  EXPECT_EQ(*m.find(3), 9);
}

}  // namespace
}  // namespace tc
