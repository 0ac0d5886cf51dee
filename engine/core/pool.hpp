// Per-thread free lists for the engine's small, short-lived blocks: tensor storage and
// TensorImpl (with its shared_ptr control block).
//
// Why: an eager op allocates a TensorImpl and its storage, and a graph's tensors stay
// alive through provenance until the loss is dropped, then go back in one burst of ~2 per
// op. glibc's tcache keeps only 7 blocks per size, so a burst of 120 fell through to the
// bins and malloc/free took ~17% of the BENCH_GRAPH forward. Here a block of up to 64 KiB
// goes back to the freeing thread's list for its size class (powers of two from 64 B) and
// the next op of that thread takes it again.
//
// Any thread may free a block any other thread allocated; each list is capped (1 MiB per
// class) and emptied at thread exit. Under AddressSanitizer every call goes straight to
// operator new/delete so that a use after free is still caught.
#pragma once
#include <cstddef>
#include <vector>

namespace tc::pool {

void* allocate(std::size_t bytes);
void deallocate(void* block, std::size_t bytes) noexcept;

// A standard allocator over the pool (for std::vector and std::allocate_shared).
template <class T>
struct Allocator {
  using value_type = T;
  Allocator() = default;
  template <class U>
  Allocator(const Allocator<U>&) noexcept {}  // NOLINT(implicit): rebinding
  T* allocate(std::size_t n) { return static_cast<T*>(pool::allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { pool::deallocate(p, n * sizeof(T)); }
  template <class U>
  friend bool operator==(const Allocator&, const Allocator<U>&) { return true; }
  template <class U>
  friend bool operator!=(const Allocator&, const Allocator<U>&) { return false; }
};

// A tensor's storage.
using Buffer = std::vector<double, Allocator<double>>;

// Blocks currently held on this thread's free lists (for tests).
std::size_t cached_blocks();
// False under AddressSanitizer, where every call goes straight to operator new/delete.
bool enabled();

}  // namespace tc::pool
