// Sampling hooks shared by scatter_nd and tensor_scatter_update (OpDef::sample_shape,
// sample_input, accepts_operand): operands that fit each other by construction, with indices
// whose values lie in [0, 1] (the rows' Domain), in range for every indexed axis of size >= 2.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/ops/op_def.hpp"

namespace tc::kernel {

// indices of shape [K, M] (or a single row, [M]) with M in [1, max_depth] and K in
// [1, max_rows]; with `distinct_rows`, K is at most 2^M, the rows {0, 1}^M can tell apart.
Shape sample_nd_indices_shape(int max_depth, std::int64_t max_rows, bool distinct_rows, Draw& draw);
// Updates for `indices` over fresh slice axes: indices[:-1] + 0-2 axes of 1-3 elements, within
// max_elements.
Shape sample_nd_slices_shape(const Shape& indices, std::int64_t max_elements, Draw& draw);
// Values for indices of shape `indices` ([..., M]) whose rows are distinct points of {0, 1}^M
// in random order (rows beyond 2^M repeat: such a shape has no distinct sample).
std::vector<double> sample_distinct_rows(const Shape& indices, Draw& draw);
// Whether no two rows of `values` (indices of shape `indices`) are equal.
bool rows_distinct(const Shape& indices, const double* values);

}  // namespace tc::kernel
