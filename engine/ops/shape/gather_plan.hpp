// Shared by gather and scatter_add (its transpose): the layout params[:axis] × indices ×
// params[axis+1:] and a checked read of one index.
#pragma once
#include <string>
#include <vector>

#include "engine/ops/kernel.hpp"

namespace tc::kernel {

// `full` is params' shape (gather) or the result's shape (scatter_add).
struct GatherPlan {
  int axis = 0;
  std::int64_t outer = 1;  // Π full[:axis]
  std::int64_t dim = 1;    // full[axis]: indices must lie in [0, dim)
  std::int64_t count = 1;  // number of indices
  std::int64_t inner = 1;  // Π full[axis+1:]
  Shape gathered;          // full[:axis] + indices + full[axis+1:]
};

inline GatherPlan plan_gather(const char* op, const Shape& full, std::int64_t axis,
                              const Shape& indices) {
  GatherPlan p;
  p.axis = normalize_axis(axis, full.rank(), op);
  std::vector<std::int64_t> dims;
  for (int d = 0; d < p.axis; ++d) {
    p.outer *= full[d];
    dims.push_back(full[d]);
  }
  p.dim = full[p.axis];
  p.count = indices.numel();
  for (int d = 0; d < indices.rank(); ++d) dims.push_back(indices[d]);
  for (int d = p.axis + 1; d < full.rank(); ++d) {
    p.inner *= full[d];
    dims.push_back(full[d]);
  }
  if (static_cast<int>(dims.size()) > limits::kMaxRank)
    throw ShapeError(std::string(op) + ": result of rank " + std::to_string(dims.size()) +
                     " for " + full.str() + " and indices " + indices.str() +
                     " exceeds the maximum rank " + std::to_string(limits::kMaxRank));
  p.gathered = Shape(dims);
  return p;
}

inline void expect_indices(const char* op, const TensorSpec& s) {
  if (s.dtype != DType::i32)
    throw DTypeError(std::string(op) + ": indices have dtype " + std::string(dtype_name(s.dtype)) +
                     ", expected i32");
}

// indices[j] as an integer in [0, p.dim); tc::Error naming the index and the bound otherwise
// (TF raises on CPU too; it never clamps or drops silently here).
template <class S>
std::int64_t checked_index(const char* op, const S& v, std::int64_t j, const GatherPlan& p,
                           const Shape& full) {
  const double x = real_part(v);
  const auto i = static_cast<std::int64_t>(x);
  if (x < 0 || i >= p.dim)  // i32 storage: x is a whole number
    throw Error(std::string(op) + ": index " + std::to_string(i) +
                " (indices[" + std::to_string(j) + "]) is out of range [0, " +
                std::to_string(p.dim) + ") for axis " + std::to_string(p.axis) + " of " + full.str());
  return i;
}

}  // namespace tc::kernel
