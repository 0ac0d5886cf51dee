#include "engine/ops/vector_math.hpp"

#include <cmath>

#ifndef TAPECHECK_HAVE_LIBMVEC  // set by CMake where a link test finds libmvec
#define TAPECHECK_HAVE_LIBMVEC 0
#endif
#if TAPECHECK_HAVE_LIBMVEC
#include <immintrin.h>
#endif

namespace tc::vector_math {

namespace {

#if TAPECHECK_HAVE_LIBMVEC
// The x86-64 vector function ABI's names: _ZGV<isa>N<lanes>v_<name>, isa b = SSE4, d = AVX2,
// e = AVX-512; the widest the build targets.
#if defined(__AVX512F__)
using Packet = __m512d;
constexpr int kLanes = 8;
Packet load(const double* p) { return _mm512_loadu_pd(p); }
void store(double* p, Packet v) { _mm512_storeu_pd(p, v); }
#define TC_MVEC(name) _ZGVeN8v_##name
#elif defined(__AVX2__)
using Packet = __m256d;
constexpr int kLanes = 4;
Packet load(const double* p) { return _mm256_loadu_pd(p); }
void store(double* p, Packet v) { _mm256_storeu_pd(p, v); }
#define TC_MVEC(name) _ZGVdN4v_##name
#else
using Packet = __m128d;
constexpr int kLanes = 2;
Packet load(const double* p) { return _mm_loadu_pd(p); }
void store(double* p, Packet v) { _mm_storeu_pd(p, v); }
#define TC_MVEC(name) _ZGVbN2v_##name
#endif

extern "C" {
Packet TC_MVEC(sin)(Packet);
Packet TC_MVEC(cos)(Packet);
Packet TC_MVEC(tanh)(Packet);
Packet TC_MVEC(log1p)(Packet);
}

// Every element through the vector version, the tail too (padded with zeros, in the domain
// of all four), so that an element's value never depends on its position in the array.
template <Packet (*F)(Packet)>
void apply(const double* x, double* y, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(y + i, F(load(x + i)));
  if (i == n) return;
  alignas(64) double tail[kLanes] = {};
  for (std::int64_t k = i; k < n; ++k) tail[k - i] = x[k];
  store(tail, F(load(tail)));
  for (std::int64_t k = i; k < n; ++k) y[k] = tail[k - i];
}
#define TC_ARRAY_FN(name) apply<&TC_MVEC(name)>
#else
template <double (*F)(double)>
void apply(const double* x, double* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = F(x[i]);
}
double sin_(double x) { return std::sin(x); }
double cos_(double x) { return std::cos(x); }
double tanh_(double x) { return std::tanh(x); }
double log1p_(double x) { return std::log1p(x); }
#define TC_ARRAY_FN(name) apply<&name##_>
#endif

}  // namespace

void sin(const double* x, double* y, std::int64_t n) { TC_ARRAY_FN(sin)(x, y, n); }
void cos(const double* x, double* y, std::int64_t n) { TC_ARRAY_FN(cos)(x, y, n); }
void tanh(const double* x, double* y, std::int64_t n) { TC_ARRAY_FN(tanh)(x, y, n); }
void log1p(const double* x, double* y, std::int64_t n) { TC_ARRAY_FN(log1p)(x, y, n); }

bool simd() { return TAPECHECK_HAVE_LIBMVEC != 0; }

}  // namespace tc::vector_math
