// Ops that move or replicate elements without arithmetic. One file per op.
#pragma once
#include <string>
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
// The slices of params that the rows of indices [..., M] (i32) name by their first M
// coordinates: shape indices[:-1] + params[M:] (tf.gather_nd).
Tensor gather_nd(const Tensor& params, const Tensor& indices);
// Its transpose (tf.scatter_nd): zeros of `shape` with each slice of updates added at the slice
// its row of indices [..., M] names (duplicate rows accumulate); updates indices[:-1] + shape[M:].
Tensor scatter_nd(const Tensor& indices, const Tensor& updates, std::vector<std::int64_t> shape);
// tensor with the slices the rows of indices [..., M] name overwritten by updates
// (tf.tensor_scatter_nd_update; rows in order, so of duplicate rows the last write is kept).
Tensor tensor_scatter_update(const Tensor& tensor, const Tensor& indices, const Tensor& updates);
// x with the entries along every listed axis in reverse order.
Tensor reverse(const Tensor& x, std::vector<std::int64_t> axes);
// x rolled cyclically by shift[k] along axes[k] (an axis listed twice rolls by the sum).
Tensor roll(const Tensor& x, std::vector<std::int64_t> shift, std::vector<std::int64_t> axes);
// x repeated multiples[d] times along each axis d.
Tensor tile(const Tensor& x, std::vector<std::int64_t> multiples);
// x padded by paddings[2d] before and paddings[2d+1] after axis d; mode "constant" (zeros) or
// "reflect" (mirrored, without repeating the edge).
Tensor pad(const Tensor& x, std::vector<std::int64_t> paddings, std::string mode = "constant");
// Inputs of one shape joined along a new axis at `axis`.
Tensor stack(const std::vector<Tensor>& xs, std::int64_t axis = 0);
// The index-th slice of x along `axis`, the axis removed (the inverse of stack).
Tensor unstack(const Tensor& x, std::int64_t index, std::int64_t axis = 0);
// The index-th of `num` equal parts of x along `axis`.
Tensor split(const Tensor& x, std::int64_t num, std::int64_t index, std::int64_t axis = 0);
// The entries of x along `axis` whose `mask` entry (one 0/1 per element of the axis) is 1.
Tensor boolean_mask(const Tensor& x, std::vector<std::int64_t> mask, std::int64_t axis = 0);
}  // namespace tc
