#include "engine/ops/grad_util.hpp"

#include "engine/ops/kernel.hpp"

namespace tc {

Tensor mask_like(const Tensor& x, const std::function<double(double)>& weight) {
  std::vector<double> m(static_cast<std::size_t>(x.numel()));
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = weight(x.data()[i]);
  return Tensor::constant(std::move(m), x.shape(), x.dtype());
}

Tensor mask_like2(const Tensor& a, const Tensor& b, const Shape& out,
                  const std::function<double(double, double)>& weight, DType dtype) {
  std::vector<double> m(static_cast<std::size_t>(out.numel()));
  kernel::for_each_broadcast<2>(out, {&a.shape(), &b.shape()},
                                [&](std::int64_t i, const std::array<std::int64_t, 2>& o) {
                                  m[static_cast<std::size_t>(i)] = weight(a[o[0]], b[o[1]]);
                                });
  return Tensor::constant(std::move(m), out, dtype);
}

Tensor scalar_like(const Tensor& t, double v) { return Tensor::scalar(v, t.dtype()); }

}  // namespace tc
