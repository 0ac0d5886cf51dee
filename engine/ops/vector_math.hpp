// Whole-array double versions of the libm functions whose scalar calls dominated the forward
// pass (BENCH_GRAPH: sin and log1p ~18 % each): glibc's libmvec, the SIMD implementations
// GCC's vectoriser calls under -ffast-math, called here explicitly so that nothing else about
// the floating-point semantics changes (NaN, inf, signed zeros and subnormals come out as
// libm's; measured within 3 ulp of libm, libm itself within 1 ulp of exact). Eigen 3.4
// vectorises only exp and log for double. Where libmvec is missing (not glibc ≥ 2.35 on
// x86-64) each is the plain libm loop. y may be x.
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "engine/ops/kernel.hpp"

namespace tc::vector_math {

using ArrayFn = void (*)(const double* x, double* y, std::int64_t n);

void sin(const double* x, double* y, std::int64_t n);
void cos(const double* x, double* y, std::int64_t n);
void tanh(const double* x, double* y, std::int64_t n);
void log1p(const double* x, double* y, std::int64_t n);

// Whether the SIMD versions are in use (for benchmarks and docs to say which ran).
bool simd();

}  // namespace tc::vector_math

namespace tc::kernel {

// y = f(x) element-wise; for S = double the whole array at once by `array_fn`, the same
// function vectorised (above). A dual number's value part is array_fn's too, its tangent f's:
// the value parts of a forward-mode run then equal the double run's bit for bit (a kink's side
// is decided on them). A complex number's real part is a different function of both parts.
template <class S, class F>
void unary_array(const In<S>& x, const Out<S>& y, F f, vector_math::ArrayFn array_fn) {
  const std::int64_t n = numel(y.spec);
  if constexpr (std::is_same_v<S, double>) {
    array_fn(x.data, y.data, n);
  } else {
    unary(x, y, f);
    if constexpr (std::is_same_v<S, Dual> || std::is_same_v<S, TermsDual>) {
      constexpr std::int64_t kChunk = 64;
      double in[kChunk], out[kChunk];
      for (std::int64_t i = 0; i < n; i += kChunk) {
        const std::int64_t m = std::min(kChunk, n - i);
        for (std::int64_t k = 0; k < m; ++k) in[k] = x.data[i + k].v;
        array_fn(in, out, m);
        for (std::int64_t k = 0; k < m; ++k) y.data[i + k].v = out[k];
      }
    }
  }
}

}  // namespace tc::kernel
