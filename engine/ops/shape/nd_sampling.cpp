#include "engine/ops/shape/nd_sampling.hpp"

#include <algorithm>
#include <set>

namespace tc::kernel {

Shape sample_nd_indices_shape(int max_depth, std::int64_t max_rows, bool distinct_rows, Draw& draw) {
  const std::int64_t m = draw.integer(1, std::max(max_depth, 1));
  const std::int64_t rows = draw.integer(1, distinct_rows ? std::min<std::int64_t>(max_rows, 1 << m) : max_rows);
  if (rows == 1 && draw.integer(0, 1) == 0) return Shape{m};
  return Shape{rows, m};
}

Shape sample_nd_slices_shape(const Shape& indices, std::int64_t max_elements, Draw& draw) {
  std::vector<std::int64_t> dims = indices.rank() > 0 ? indices.prefix(indices.rank() - 1).to_vector()
                                                      : std::vector<std::int64_t>{};
  const std::size_t rows = dims.size();
  for (std::int64_t k = draw.integer(0, 2); k > 0; --k) dims.push_back(draw.integer(1, 3));
  while (Shape(dims).numel() > max_elements && dims.size() > rows) dims.pop_back();
  return Shape(dims);
}

std::vector<double> sample_distinct_rows(const Shape& indices, Draw& draw) {
  const std::int64_t m = indices.rank() > 0 ? indices[indices.rank() - 1] : 0;
  const std::int64_t count = m > 0 ? indices.numel() / m : 0;
  // Every point of {0, 1}^m (row-major), shuffled: the first `count` of them are distinct.
  const std::int64_t points = m < 20 ? std::int64_t{1} << m : count;
  std::vector<std::int64_t> order(static_cast<std::size_t>(std::max<std::int64_t>(points, 1)));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  for (std::size_t i = order.size(); i-- > 1;)
    std::swap(order[i], order[static_cast<std::size_t>(draw.integer(0, static_cast<std::int64_t>(i)))]);
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(indices.numel()));
  for (std::int64_t j = 0; j < count; ++j) {
    const std::int64_t point = order[static_cast<std::size_t>(j) % order.size()];
    for (std::int64_t d = m - 1; d >= 0; --d) values.push_back(static_cast<double>((point >> d) & 1));
  }
  return values;
}

bool rows_distinct(const Shape& indices, const double* values) {
  const std::int64_t m = indices.rank() > 0 ? indices[indices.rank() - 1] : 0;
  if (m == 0) return true;
  std::set<std::vector<double>> seen;
  for (std::int64_t j = 0; j < indices.numel() / m; ++j)
    if (!seen.insert(std::vector<double>(values + j * m, values + (j + 1) * m)).second) return false;
  return true;
}

}  // namespace tc::kernel
