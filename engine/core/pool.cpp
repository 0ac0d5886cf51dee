#include "engine/core/pool.hpp"

namespace tc::pool {
namespace detail {

thread_local FreeLists t_lists{};

namespace {

struct Reaper {
  ~Reaper() {
    t_lists.thread_ending = true;
    for (int c = 0; c < kClasses; ++c) {
      t_lists.room[c] = 0;  // later frees take the slow path, which deletes
      while (FreeBlock* b = t_lists.head[c]) {
        t_lists.head[c] = b->next;
        ::operator delete(b);
      }
    }
  }
};

// The first free on a thread gives every class its room and arms the reaper.
void initialise() {
  thread_local Reaper reaper;
  (void)reaper;
  for (int c = 0; c < kClasses; ++c) t_lists.room[c] = kBytesPerClass / (kMinBlock << c);
  t_lists.initialised = true;
}

}  // namespace

void* allocate_slow(int size_class) { return ::operator new(kMinBlock << size_class); }

void deallocate_slow(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  if (TC_POOL_PASS_THROUGH || bytes > kMaxBlock || t_lists.thread_ending) {
    ::operator delete(block);
    return;
  }
  if (!t_lists.initialised) {
    initialise();
    deallocate(block, bytes);  // now with room
    return;
  }
  ::operator delete(block);  // the class is at its cap
}

}  // namespace detail

bool enabled() { return !TC_POOL_PASS_THROUGH; }

std::size_t cached_blocks() {
  std::size_t n = 0;
  for (int c = 0; c < detail::kClasses; ++c)
    for (const detail::FreeBlock* b = detail::t_lists.head[c]; b; b = b->next) ++n;
  return n;
}

}  // namespace tc::pool
