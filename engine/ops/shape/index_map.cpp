#include "engine/ops/shape/index_map.hpp"

#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

Tensor index_tensor(const std::vector<std::int64_t>& index) {
  return Tensor::constant(std::vector<double>(index.begin(), index.end()),
                          Shape{static_cast<std::int64_t>(index.size())}, DType::i32);
}

}  // namespace

Tensor take_flat(const Tensor& x, const std::vector<std::int64_t>& index, const Shape& shape) {
  return reshape(gather(reshape(x, {x.numel()}), index_tensor(index), 0), shape.to_vector());
}

Tensor put_flat(const Tensor& g, const std::vector<std::int64_t>& index, const Shape& shape) {
  const Tensor flat = scatter_add(reshape(g, {g.numel()}), index_tensor(index), 0, {shape.numel()});
  return reshape(flat, shape.to_vector());
}

}  // namespace tc
