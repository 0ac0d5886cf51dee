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
  std::int64_t numel() const;
  std::vector<std::int64_t> to_vector() const { return {dims_.begin(), dims_.begin() + rank_}; }
  std::string str() const;  // "[2,3]"; "[]" for a scalar

  friend bool operator==(const Shape& a, const Shape& b);
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

 private:
  std::array<std::int64_t, limits::kMaxRank> dims_{};
  int rank_ = 0;
};

// The broadcast of two shapes, or ShapeError naming `op` and both shapes (R15).
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Row-major strides of `s`, with stride 0 on every axis where `s` is 1 and `to` is not:
// indexing a broadcast operand with the result's multi-index.
std::array<std::int64_t, limits::kMaxRank> broadcast_strides(const Shape& s, const Shape& to);

// Normalises a possibly negative axis for a tensor of `rank`; ShapeError if out of range.
int normalize_axis(std::int64_t axis, int rank, const char* op);

// Throws LimitError if a tensor of this shape would exceed the element cap.
void check_element_cap(const Shape& s, const char* what);

}  // namespace tc
