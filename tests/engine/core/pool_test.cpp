#include "engine/core/pool.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "engine/api.hpp"

namespace tc {
namespace {

const bool kPooled = pool::enabled();  // false under ASan

TEST(Pool, AFreedBlockIsReusedForTheNextOfItsSizeClass) {
  void* a = pool::allocate(300);
  pool::deallocate(a, 300);
  void* b = pool::allocate(400);  // same class (257..512 bytes)
  if (kPooled) {
    EXPECT_EQ(a, b);
  }
  pool::deallocate(b, 400);
}

TEST(Pool, LargeBlocksAreNotCached) {
  const std::size_t before = pool::cached_blocks();
  void* a = pool::allocate(std::size_t{1} << 20);
  pool::deallocate(a, std::size_t{1} << 20);
  EXPECT_EQ(pool::cached_blocks(), before);
}

TEST(Pool, EachSizeClassHoldsAtMostOneMebibyte) {
  std::vector<void*> blocks(5000);
  for (void*& b : blocks) b = pool::allocate(1024);
  for (void* b : blocks) pool::deallocate(b, 1024);
  if (kPooled) {
    EXPECT_LE(pool::cached_blocks(), (std::size_t{1} << 20) / 1024 + 64 * 11);
  }
  for (void*& b : blocks) b = pool::allocate(1024);  // drain the class again
  for (void* b : blocks) pool::deallocate(b, 1024);
}

TEST(Pool, ABlockMayBeFreedOnAnotherThread) {
  std::vector<void*> blocks(100);
  for (void*& b : blocks) b = pool::allocate(256);
  std::size_t cached_there = 0;
  std::thread t([&] {
    for (void* b : blocks) pool::deallocate(b, 256);
    cached_there = pool::cached_blocks();
  });
  t.join();  // the thread's lists are emptied at its exit (ASan/LSan would see a leak)
  if (kPooled) {
    EXPECT_EQ(cached_there, blocks.size());
  }
}

TEST(Pool, TensorsOutliveTheThreadThatMadeThem) {
  Tensor y;
  std::thread t([&] { y = exp(Tensor::constant({0.0, 1.0}, Shape{2})); });
  t.join();
  EXPECT_EQ(y[0], 1.0);
  EXPECT_DOUBLE_EQ(y[1], std::exp(1.0));
}

TEST(Pool, ADeepProvenanceChainIsReleasedWithoutDeepRecursion) {
  // 10^6 nested releases would overflow an 8 MiB stack if each recursed.
  Tensor x = Tensor::scalar(1.0);
  for (int i = 0; i < 1'000'000; ++i) x = neg(x);
  EXPECT_EQ(x.item(), 1.0);
  x = Tensor();
  SUCCEED();
}

}  // namespace
}  // namespace tc
