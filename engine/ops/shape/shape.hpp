// Ops that move or replicate elements without arithmetic. One file per op.
#pragma once
#include <vector>

#include "engine/tensor.hpp"

namespace tc {
Tensor reshape(const Tensor& x, std::vector<std::int64_t> shape);      // one -1 allowed
Tensor broadcast_to(const Tensor& x, std::vector<std::int64_t> shape);
// Inserts a size-1 axis at `axis` (in [-rank-1, rank]).
Tensor expand_dims(const Tensor& x, std::int64_t axis);
// Removes the size-1 axes named in `axes` (empty: every size-1 axis).
Tensor squeeze(const Tensor& x, std::vector<std::int64_t> axes = {});
// Joins tensors of one dtype along `axis`; all other dimensions must agree.
Tensor concat(const std::vector<Tensor>& xs, std::int64_t axis);
// x[begin : begin + size] per axis; a size of -1 means "to the end of the axis".
Tensor slice(const Tensor& x, std::vector<std::int64_t> begin, std::vector<std::int64_t> size);
// params taken at `indices` (i32) along `axis`: shape params[:axis] + indices + params[axis+1:].
Tensor gather(const Tensor& params, const Tensor& indices, std::int64_t axis = 0);
// The transpose of gather: zeros of `shape` with updates added at `indices` along `axis`
// (duplicate indices accumulate). updates has shape shape[:axis] + indices + shape[axis+1:].
Tensor scatter_add(const Tensor& updates, const Tensor& indices, std::int64_t axis,
                   std::vector<std::int64_t> shape);
}  // namespace tc
