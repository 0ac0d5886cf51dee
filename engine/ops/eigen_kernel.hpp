// Vectorised element-wise kernels: for S = double the op runs an Eigen array expression
// (SIMD exp and log; log1p, expm1 and sqrt as Eigen writes them), for complex and dual numbers the scalar form. Both are
// the same function; Eigen's double versions are within a few ulps of libm. Included only
// by the op files that use it, to keep Eigen out of other translation units.
#pragma once
#include <Eigen/Core>
#include <type_traits>

#include "engine/ops/kernel.hpp"

namespace tc::kernel {

template <class S, class Scalar, class Vectorised>
void unary_vectorised(const In<S>& x, const Out<S>& y, Scalar scalar, Vectorised vectorised) {
  if constexpr (std::is_same_v<S, double>) {
    const Eigen::Index n = y.spec.shape.numel();
    Eigen::Map<Eigen::ArrayXd>(y.data, n) = vectorised(Eigen::Map<const Eigen::ArrayXd>(x.data, n));
  } else {
    unary(x, y, scalar);
  }
}

}  // namespace tc::kernel
