#include "engine/core/pool.hpp"

#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define TC_POOL_PASS_THROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TC_POOL_PASS_THROUGH 1
#endif
#endif
#ifndef TC_POOL_PASS_THROUGH
#define TC_POOL_PASS_THROUGH 0
#endif

namespace tc::pool {
namespace {

constexpr int kClasses = 11;                        // 64 B, 128 B, ..., 64 KiB
constexpr std::size_t kMinBlock = 64;
constexpr std::size_t kMaxBlock = kMinBlock << (kClasses - 1);
constexpr std::size_t kBytesPerClass = std::size_t{1} << 20;

struct FreeBlock {
  FreeBlock* next;
};

// Plain data, so that reaching it costs no thread_local initialisation guard; the Reaper
// below empties it when the thread ends.
struct FreeLists {
  FreeBlock* head[kClasses];
  std::size_t count[kClasses];
  bool reaper_armed;
  bool thread_ending;  // after the reaper ran: blocks go straight back to operator delete
};
thread_local FreeLists t_lists{};

struct Reaper {
  ~Reaper() {
    t_lists.thread_ending = true;
    for (int c = 0; c < kClasses; ++c) {
      while (FreeBlock* b = t_lists.head[c]) {
        t_lists.head[c] = b->next;
        ::operator delete(b);
      }
      t_lists.count[c] = 0;
    }
  }
};

void arm_reaper() {
  thread_local Reaper reaper;
  (void)reaper;
  t_lists.reaper_armed = true;
}

int size_class(std::size_t bytes) {
  if (bytes <= kMinBlock) return 0;
  const int log2_ceil = 64 - __builtin_clzll(static_cast<unsigned long long>(bytes - 1));
  return log2_ceil - 6;
}

}  // namespace

void* allocate(std::size_t bytes) {
  if (TC_POOL_PASS_THROUGH || bytes > kMaxBlock) return ::operator new(bytes);
  const int c = size_class(bytes);
  if (FreeBlock* b = t_lists.head[c]) {
    t_lists.head[c] = b->next;
    --t_lists.count[c];
    return b;
  }
  return ::operator new(kMinBlock << c);
}

void deallocate(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  if (TC_POOL_PASS_THROUGH || bytes > kMaxBlock || t_lists.thread_ending) {
    ::operator delete(block);
    return;
  }
  const int c = size_class(bytes);
  if (t_lists.count[c] * (kMinBlock << c) >= kBytesPerClass) {
    ::operator delete(block);
    return;
  }
  if (!t_lists.reaper_armed) arm_reaper();
  auto* b = static_cast<FreeBlock*>(block);
  b->next = t_lists.head[c];
  t_lists.head[c] = b;
  ++t_lists.count[c];
}

bool enabled() { return !TC_POOL_PASS_THROUGH; }

std::size_t cached_blocks() {
  std::size_t n = 0;
  for (std::size_t c : t_lists.count) n += c;
  return n;
}

}  // namespace tc::pool
