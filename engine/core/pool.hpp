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
// The fast paths (a list that has a block; a list with room) are inline: an op allocates
// and frees three or four blocks, and a call into pool.cpp for each cost more than the
// list operation itself (measured: ~45 instructions per free, ~10 of them the work).
//
// Any thread may free a block any other thread allocated; each list is capped (1 MiB per
// class) and emptied at thread exit. Under AddressSanitizer every call goes straight to
// operator new/delete so that a use after free is still caught.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

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

namespace detail {
inline constexpr int kClasses = 11;  // 64 B, 128 B, ..., 64 KiB
inline constexpr std::size_t kMinBlock = 64;
inline constexpr std::size_t kMaxBlock = kMinBlock << (kClasses - 1);
inline constexpr std::size_t kBytesPerClass = std::size_t{1} << 20;

struct FreeBlock {
  FreeBlock* next;
};

// Plain data, so that reaching it costs no thread_local initialisation guard; a reaper
// (pool.cpp) empties it when the thread ends.
struct FreeLists {
  FreeBlock* head[kClasses];
  std::size_t room[kClasses];  // blocks the class may still take before its cap
  bool initialised;            // room[] set and the reaper armed
  bool thread_ending;          // after the reaper ran: blocks go straight back to operator delete
};
extern thread_local FreeLists t_lists;

inline int size_class(std::size_t bytes) {
  if (bytes <= kMinBlock) return 0;
  return 64 - __builtin_clzll(static_cast<unsigned long long>(bytes - 1)) - 6;
}

void* allocate_slow(int size_class);
void deallocate_slow(void* block, std::size_t bytes) noexcept;
}  // namespace detail

inline void* allocate(std::size_t bytes) {
  if (TC_POOL_PASS_THROUGH || bytes > detail::kMaxBlock) return ::operator new(bytes);
  const int c = detail::size_class(bytes);
  detail::FreeLists& lists = detail::t_lists;
  if (detail::FreeBlock* b = lists.head[c]) {
    lists.head[c] = b->next;
    ++lists.room[c];
    return b;
  }
  return detail::allocate_slow(c);
}

inline void deallocate(void* block, std::size_t bytes) noexcept {
  detail::FreeLists& lists = detail::t_lists;
  if (!TC_POOL_PASS_THROUGH && bytes <= detail::kMaxBlock && block != nullptr) {
    const int c = detail::size_class(bytes);
    if (lists.room[c] != 0) {  // zero until initialised, and after the thread's reaper ran
      auto* b = static_cast<detail::FreeBlock*>(block);
      b->next = lists.head[c];
      lists.head[c] = b;
      --lists.room[c];
      return;
    }
  }
  detail::deallocate_slow(block, bytes);
}

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

// A tensor's storage: a fixed number of doubles from the pool, zero-filled when sized.
// Not a std::vector: sizing a vector went through its generic growth path (capacity check,
// reallocation, element-wise value-initialisation), a tenth of an op's bookkeeping, for a
// buffer that is sized exactly once. Two words, so that TensorImpl and its control block
// fit one 256-byte pool block.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~Buffer() { release(); }

  // n zeros (previous contents are dropped).
  void resize(std::size_t n) {
    if (n != size_) {
      release();
      if (n != 0) data_ = static_cast<double*>(pool::allocate(n * sizeof(double)));
      size_ = n;
    }
    if (n != 0) std::memset(data_, 0, n * sizeof(double));
  }
  template <class It>
  void assign(It first, It last) {
    resize(static_cast<std::size_t>(last - first));
    for (std::size_t i = 0; first != last; ++first, ++i) data_[i] = *first;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  double* data() { return data_; }
  const double* data() const { return data_; }
  double* begin() { return data_; }
  double* end() { return data_ + size_; }
  const double* begin() const { return data_; }
  const double* end() const { return data_ + size_; }
  double& operator[](std::size_t i) { return data_[i]; }
  const double& operator[](std::size_t i) const { return data_[i]; }

 private:
  void release() {
    if (data_ != nullptr) pool::deallocate(data_, size_ * sizeof(double));
    data_ = nullptr;
    size_ = 0;
  }
  double* data_ = nullptr;
  std::size_t size_ = 0;
};

// Blocks currently held on this thread's free lists (for tests).
std::size_t cached_blocks();
// False under AddressSanitizer, where every call goes straight to operator new/delete.
bool enabled();

}  // namespace tc::pool
