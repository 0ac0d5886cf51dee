// Whole-array double versions of the libm functions whose scalar calls dominated the forward
// pass (BENCH_GRAPH: sin and log1p ~18 % each): glibc's libmvec, the SIMD implementations
// GCC's vectoriser calls under -ffast-math, called here explicitly so that nothing else about
// the floating-point semantics changes (NaN, inf, signed zeros and subnormals come out as
// libm's; measured within 3 ulp of libm, libm itself within 1 ulp of exact). Eigen 3.4
// vectorises only exp and log for double. Where libmvec is missing (not glibc ≥ 2.35 on
// x86-64) each is the plain libm loop. y may be x.
#pragma once
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
// function vectorised (above).
template <class S, class F>
void unary_array(const In<S>& x, const Out<S>& y, F f, vector_math::ArrayFn array_fn) {
  if constexpr (std::is_same_v<S, double>)
    array_fn(x.data, y.data, numel(y.spec));
  else
    unary(x, y, f);
}

}  // namespace tc::kernel
