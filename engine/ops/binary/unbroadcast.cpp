#include "engine/ops/binary/binary.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {

Tensor unbroadcast(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  // Axes the input did not have (leading) or had as 1 while the gradient's is larger.
  const int r = grad.shape().rank(), lead = r - shape.rank();
  std::vector<std::int64_t> axes;
  for (int i = 0; i < r; ++i)
    if (i < lead || (shape[i - lead] == 1 && grad.shape()[i] != 1)) axes.push_back(i);
  Tensor summed = axes.empty() ? grad : reduce_sum(grad, axes, /*keepdims=*/true);
  return summed.shape() == shape ? summed : reshape(summed, shape.to_vector());
}

}  // namespace tc
