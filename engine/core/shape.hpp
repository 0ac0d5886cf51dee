// Tensor shapes (rank 0..6) and NumPy broadcasting.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "engine/core/limits.hpp"

namespace tc {

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims);  // throws ShapeError on rank > 6 or dim < 0
  explicit Shape(const std::vector<std::int64_t>& dims);

  int rank() const { return rank_; }
  std::int64_t operator[](int i) const { return dims_[i]; }
  std::int64_t& operator[](int i) { return dims_[i]; }
  std::int64_t numel() const {
    // Saturates at 2^62 instead of overflowing, so that huge shapes reach the cap check
    // intact (no division: numel() runs several times per op).
    constexpr std::int64_t kSaturated = std::int64_t{1} << 62;
    std::int64_t n = 1;
    for (int i = 0; i < rank_; ++i)
      if (__builtin_mul_overflow(n, dims_[i], &n) || n > kSaturated) return kSaturated;
    return n;
  }
  std::vector<std::int64_t> to_vector() const { return {dims_.begin(), dims_.begin() + rank_}; }
  // The first `rank` dimensions (0 <= rank <= this rank), e.g. the batch dimensions of matmul.
  Shape prefix(int rank) const {
    Shape p;
    p.rank_ = rank;
    for (int i = 0; i < rank; ++i) p.dims_[i] = dims_[i];
    return p;
  }
  // This shape with `dim` appended: matmul's [batch..., m] and [batch..., m, n] without a
  // vector. ShapeError past the maximum rank.
  Shape appended(std::int64_t dim) const {
    if (rank_ >= limits::kMaxRank) throw_rank_exceeded(rank_ + 1);
    Shape s = *this;
    s.dims_[s.rank_++] = dim;
    return s;
  }
  std::string str() const;  // "[2,3]"; "[]" for a scalar

  // Inline: kernels and shape rules compare shapes several times per op.
  friend bool operator==(const Shape& a, const Shape& b) {
    if (a.rank_ != b.rank_) return false;
    for (int i = 0; i < a.rank_; ++i)
      if (a.dims_[i] != b.dims_[i]) return false;
    return true;
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

 private:
  [[noreturn]] static void throw_rank_exceeded(std::size_t rank);
  std::array<std::int64_t, limits::kMaxRank> dims_{};
  int rank_ = 0;
};

// The broadcast of two shapes, or ShapeError naming `op` and both shapes (R15).
Shape broadcast_different_shapes(const Shape& a, const Shape& b, const char* op);
inline Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  return a == b ? a : broadcast_different_shapes(a, b, op);  // the common case, inline
}

// Row-major strides of `s`, with stride 0 on every axis where `s` is 1 and `to` is not:
// indexing a broadcast operand with the result's multi-index.
std::array<std::int64_t, limits::kMaxRank> broadcast_strides(const Shape& s, const Shape& to);

// Normalises a possibly negative axis for a tensor of `rank`; ShapeError if out of range.
int normalize_axis(std::int64_t axis, int rank, const char* op);

// Throws LimitError if a tensor of this shape would exceed the element cap.
[[noreturn]] void throw_element_cap(const Shape& s, const char* what);
inline void check_element_cap(const Shape& s, const char* what) {
  if (s.numel() > limits::kMaxElements) throw_element_cap(s, what);
}

}  // namespace tc
