// Shared by gather_nd, scatter_nd and tensor_scatter_update (TF's *_nd family): indices
// [..., M] (i32) name M leading coordinates of a tensor of shape `full`; each row of indices
// names one slice full[i_0, ..., i_{M-1}, :, ...]. The layout and a checked read of one row.
#pragma once
#include <string>
#include <vector>

#include "engine/ops/kernel.hpp"
#include "engine/ops/shape/gather_plan.hpp"  // expect_indices

namespace tc::kernel {

struct NdPlan {
  int depth = 1;               // M
  std::int64_t count = 1;      // rows of indices: Π indices[:-1]
  std::int64_t inner = 1;      // Π full[M:]: the elements of one slice
  std::int64_t positions = 1;  // Π full[:M]: the slices rows can name
  Shape slices;                // indices[:-1] + full[M:]: gather_nd's result, the scatters' updates
};

// ShapeError naming `op` when indices has no coordinate axis or names more coordinates than
// `full` has axes.
inline NdPlan plan_nd(const char* op, const Shape& full, const Shape& indices) {
  if (indices.rank() < 1)
    throw ShapeError(std::string(op) + ": indices of shape " + indices.str() + " need a last axis of coordinates");
  NdPlan p;
  const std::int64_t m = indices[indices.rank() - 1];
  if (m < 1 || m > full.rank())
    throw ShapeError(std::string(op) + ": indices " + indices.str() + " name " + std::to_string(m) +
                     " coordinates of " + full.str() + " (expected 1 to its rank)");
  p.depth = static_cast<int>(m);
  std::vector<std::int64_t> dims;
  for (int d = 0; d + 1 < indices.rank(); ++d) {
    p.count *= indices[d];
    dims.push_back(indices[d]);
  }
  for (int d = 0; d < full.rank(); ++d) {
    if (d < p.depth) p.positions *= full[d];
    else {
      p.inner *= full[d];
      dims.push_back(full[d]);
    }
  }
  if (static_cast<int>(dims.size()) > limits::kMaxRank)
    throw ShapeError(std::string(op) + ": slices of rank " + std::to_string(dims.size()) + " for " + full.str() +
                     " and indices " + indices.str() + " exceed the maximum rank " + std::to_string(limits::kMaxRank));
  p.slices = Shape(dims);
  return p;
}

// The row-major position in full[:M] that row j of indices names; tc::Error naming the index,
// its place in indices and the axis when it is out of range (TF raises on CPU).
template <class S>
std::int64_t nd_position(const char* op, const S* indices, std::int64_t j, const NdPlan& p, const Shape& full) {
  std::int64_t flat = 0;
  for (int m = 0; m < p.depth; ++m) {
    const double v = real_part(indices[j * p.depth + m]);
    if (v < 0 || v >= static_cast<double>(full[m]))
      throw Error(std::string(op) + ": index " + std::to_string(static_cast<std::int64_t>(v)) + " (indices[" +
                  std::to_string(j) + ", " + std::to_string(m) + "]) is out of range [0, " + std::to_string(full[m]) +
                  ") for axis " + std::to_string(m) + " of " + full.str());
    flat = flat * full[m] + static_cast<std::int64_t>(v);
  }
  return flat;
}

}  // namespace tc::kernel
