// A map from tensor ids (positive integers) to small values, for the tape's bookkeeping: the
// ids it tracks, each with its slot (gradient() keeps gradients in an array by slot).
//
// Why not std::unordered_map: a tape looks up every input of every op it records (and its
// backward pass, an input it did not track when the op ran); the node-based map's prime
// modulo, pointer chase and one allocation per insert were ~7% of BENCH_GRAPH's forward +
// backward. This is open addressing with linear probing in one array: a multiplicative hash
// (ids are mostly consecutive), a power-of-two capacity, at most half full. Ids are never
// removed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tc {

template <class V>
class IdMap {
 public:
  static constexpr std::int64_t kNoId = 0;  // tensor ids start at 1

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The value of `id`, or null.
  const V* find(std::int64_t id) const {
    if (size_ == 0) return nullptr;
    for (std::size_t i = slot_of(id);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == id) return &s.value;
      if (s.id == kNoId) return nullptr;
    }
  }
  V* find(std::int64_t id) { return const_cast<V*>(static_cast<const IdMap&>(*this).find(id)); }
  bool contains(std::int64_t id) const { return find(id) != nullptr; }

  // The value of `id`, inserted as `fresh` if absent; second: whether it was inserted.
  std::pair<V*, bool> try_emplace(std::int64_t id, V fresh = V{}) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    for (std::size_t i = slot_of(id);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.id == id) return {&s.value, false};
      if (s.id == kNoId) {
        s.id = id;
        s.value = std::move(fresh);
        ++size_;
        return {&s.value, true};
      }
    }
  }
  V& operator[](std::int64_t id) { return *try_emplace(id).first; }

  // Room for n ids without growing (growing moves every value).
  void reserve(std::size_t n) {
    std::size_t capacity = 64;
    while (capacity < 2 * n) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
  }

  void clear() {
    slots_.clear();
    mask_ = 0;
    shift_ = 64;
    size_ = 0;
  }

 private:
  struct Slot {
    std::int64_t id = kNoId;
    V value{};
  };
  std::size_t slot_of(std::int64_t id) const {
    // Fibonacci hashing: the top bits of id·2^64/φ spread consecutive ids over the table.
    return static_cast<std::size_t>((static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  // 64 slots to start: a tape records its first ops without rehashing every few of them.
  void grow() { rehash(slots_.empty() ? 64 : 2 * slots_.size()); }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.clear();
    slots_.resize(capacity);
    mask_ = capacity - 1;
    shift_ = 64 - __builtin_ctzll(capacity);
    size_ = 0;
    for (Slot& s : old)
      if (s.id != kNoId) try_emplace(s.id, std::move(s.value));
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace tc
