// BENCH_GRAPH hand-written in fused Eigen: the practical floor every engine figure is divided
// by. Element-wise chains are one expression each, one GEMM per matmul, nothing hoisted out of
// the loop that the graph recomputes (log1p(c·c) is evaluated every iteration). Eigen picks its
// own evaluation: in the loop's expression log1p has no SIMD form for double, so Eigen runs the
// whole expression, exp included, one scalar at a time.
#pragma once
#include <Eigen/Core>

#include "engine/ops/vector_math.hpp"
#include "engine/tensor.hpp"

namespace tc::bench {

using FusedMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline double fused_eigen_loss(const FusedMat& a, const FusedMat& b, const FusedMat& c) {
  FusedMat x = (a * b).array().tanh().matrix() + (1.0 / (1.0 + (-c.array()).exp())).matrix();
  for (int i = 0; i < 8; ++i) {
    FusedMat sx = x.array().sin().matrix();
    x = ((-(x.array() * x.array())).exp() * b.array() + (c.array() * c.array()).log1p()).matrix() - sx * a;
  }
  return x.array().square().sum();
}

// The same function with the engine's element-wise math where Eigen 3.4 has no SIMD form for
// double (engine/ops/vector_math.hpp: glibc's vector tanh, sin, log1p, each a pass over its
// array, the rest fused as above): the floor for an engine that uses those kernels, so that
// the engine's forward is not measured against slower math than its own.
inline double fused_vector_math_loss(const FusedMat& a, const FusedMat& b, const FusedMat& c) {
  auto in_place = [](vector_math::ArrayFn f, FusedMat m) {
    f(m.data(), m.data(), m.size());
    return m;
  };
  FusedMat x = in_place(&vector_math::tanh, a * b) + (1.0 / (1.0 + (-c.array()).exp())).matrix();
  for (int i = 0; i < 8; ++i) {
    const FusedMat sx = in_place(&vector_math::sin, x);
    const FusedMat l = in_place(&vector_math::log1p, (c.array() * c.array()).matrix());
    x = ((-(x.array() * x.array())).exp() * b.array() + l.array()).matrix() - sx * a;
  }
  return x.array().square().sum();
}

inline FusedMat to_fused_mat(const Tensor& t) {
  return Eigen::Map<const FusedMat>(t.data(), t.shape()[0], t.shape()[1]);
}

}  // namespace tc::bench
