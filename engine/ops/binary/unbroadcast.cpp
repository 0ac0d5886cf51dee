#include "engine/ops/binary/binary.hpp"
#include "engine/core/broadcast_axes.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {

Tensor unbroadcast(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const std::vector<int> broadcast = broadcast_axes(shape, grad.shape());
  const std::vector<std::int64_t> axes(broadcast.begin(), broadcast.end());
  Tensor summed = axes.empty() ? grad : reduce_sum(grad, axes, /*keepdims=*/true);
  return summed.shape() == shape ? summed : reshape(summed, shape.to_vector());
}

}  // namespace tc
