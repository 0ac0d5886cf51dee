// Vectorised element-wise kernels: for S = double the op runs an Eigen array expression
// (SIMD exp and log; log1p, expm1 and sqrt as Eigen writes them), for complex and dual numbers the scalar form. Both are
// the same function; Eigen's double versions are within a few ulps of libm. Included only
// by the op files that use it, to keep Eigen out of other translation units.
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <type_traits>

#include "engine/ops/kernel.hpp"

namespace tc::kernel {

template <class S, class Scalar, class Vectorised>
void unary_vectorised(const In<S>& x, const Out<S>& y, Scalar scalar, Vectorised vectorised) {
  if constexpr (std::is_same_v<S, double>) {
    // Every element through Eigen's packet path, from an aligned buffer padded to whole
    // packets. On an array as it lies, Eigen computes the elements before the first aligned
    // address, and those after the last whole packet, on its scalar path, whose last bit can
    // differ from the packet path's (AVX-512's packet sqrt is a Newton step on rsqrt14 under
    // EIGEN_FAST_MATH): an element's value depended on its buffer's address, so a graph's
    // results depended on the heap's history (measured: FD tolerances of a campaign's graphs
    // differed in their last bits from the same graphs checked alone).
    constexpr Eigen::Index kPacket = Eigen::internal::packet_traits<double>::size;
    constexpr Eigen::Index kChunk = 256;
    static_assert(kChunk % kPacket == 0);
    alignas(64) double in[kChunk], out[kChunk];
    const Eigen::Index n = y.spec.shape.numel();
    for (Eigen::Index i = 0; i < n; i += kChunk) {
      const Eigen::Index m = std::min(kChunk, n - i);
      const Eigen::Index padded = (m + kPacket - 1) / kPacket * kPacket;
      std::copy(x.data + i, x.data + i + m, in);
      std::fill(in + m, in + padded, 1.0);  // in the domain of every function here
      Eigen::Map<Eigen::ArrayXd, Eigen::Aligned64>(out, padded) =
          vectorised(Eigen::Map<const Eigen::ArrayXd, Eigen::Aligned64>(in, padded));
      std::copy(out, out + m, y.data + i);
    }
  } else {
    unary(x, y, scalar);
  }
}

}  // namespace tc::kernel
