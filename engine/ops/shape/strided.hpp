// Index helpers for ops that move elements (transpose, slice, concat, gather, scatter_add):
// row-major strides and a visitor over a shape with arbitrary strides into another buffer.
#pragma once
#include <array>
#include <cstdint>

#include "engine/core/limits.hpp"
#include "engine/core/shape.hpp"

namespace tc::kernel {

using Strides = std::array<std::int64_t, limits::kMaxRank>;

// Row-major (contiguous) strides of `s`.
inline Strides row_major_strides(const Shape& s) {
  Strides st{};
  std::int64_t stride = 1;
  for (int d = s.rank() - 1; d >= 0; --d) {
    st[d] = stride;
    stride *= s[d];
  }
  return st;
}

// visit(i, off) for every element i of `shape` (row-major), where off = base + Σ idx[d]·strides[d]
// addresses the same element in another buffer.
template <class Visit>
void for_each_strided(const Shape& shape, const Strides& strides, std::int64_t base, Visit visit) {
  const int r = shape.rank();
  const std::int64_t n = shape.numel();
  std::array<std::int64_t, limits::kMaxRank> idx{};
  std::int64_t off = base;
  for (std::int64_t i = 0; i < n; ++i) {
    visit(i, off);
    for (int d = r - 1; d >= 0; --d) {  // odometer increment
      ++idx[d];
      off += strides[d];
      if (idx[d] < shape[d]) break;
      off -= strides[d] * idx[d];
      idx[d] = 0;
    }
  }
}

// Product of shape[from, to).
inline std::int64_t dims_product(const Shape& s, int from, int to) {
  std::int64_t p = 1;
  for (int d = from; d < to; ++d) p *= s[d];
  return p;
}

}  // namespace tc::kernel
