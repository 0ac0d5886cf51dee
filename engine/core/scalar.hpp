// The scalar types every forward kernel is generic over:
//   double               — the engine and the finite-difference oracle,
//   std::complex<double> — the complex-step oracle (f(x + ih), derivative = Im f / h),
//   Dual                 — forward mode: value and one tangent, for the JVP oracle,
//   TermsDual            — value and Σ|terms| of its derivative, for the tolerance model.
// Kernels are written once against these helpers, so the three evaluations run the very
// same op code. Branches (kinks, max ties, where) always decide on real parts.
#pragma once
#include <cmath>
#include <complex>

namespace tc {

using c128 = std::complex<double>;

// A first-order dual number v + d·ε with ε² = 0.
struct Dual {
  double v = 0, d = 0;
  constexpr Dual() = default;
  constexpr Dual(double value, double tangent = 0) : v(value), d(tangent) {}  // NOLINT(implicit)
};

constexpr Dual operator+(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
constexpr Dual operator-(Dual a, Dual b) { return {a.v - b.v, a.d - b.d}; }
constexpr Dual operator-(Dual a) { return {-a.v, -a.d}; }
constexpr Dual operator*(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
constexpr Dual operator/(Dual a, Dual b) {
  return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)};
}
inline Dual& operator+=(Dual& a, Dual b) { return a = a + b; }
inline Dual& operator-=(Dual& a, Dual b) { return a = a - b; }
inline Dual& operator*=(Dual& a, Dual b) { return a = a * b; }
inline Dual& operator/=(Dual& a, Dual b) { return a = a / b; }

// Elementary functions on duals: f(v) + f'(v)·d ε.
inline Dual exp(Dual a) { const double e = std::exp(a.v); return {e, e * a.d}; }
inline Dual expm1(Dual a) { return {std::expm1(a.v), std::exp(a.v) * a.d}; }
inline Dual log(Dual a) { return {std::log(a.v), a.d / a.v}; }
inline Dual log1p(Dual a) { return {std::log1p(a.v), a.d / (1 + a.v)}; }
inline Dual sqrt(Dual a) { const double s = std::sqrt(a.v); return {s, a.d / (2 * s)}; }
inline Dual sin(Dual a) { return {std::sin(a.v), std::cos(a.v) * a.d}; }
inline Dual cos(Dual a) { return {std::cos(a.v), -std::sin(a.v) * a.d}; }
inline Dual tan(Dual a) { const double t = std::tan(a.v); return {t, (1 + t * t) * a.d}; }
inline Dual tanh(Dual a) { const double t = std::tanh(a.v); return {t, (1 - t * t) * a.d}; }
inline Dual atan(Dual a) { return {std::atan(a.v), a.d / (1 + a.v * a.v)}; }
inline Dual erf(Dual a) {
  constexpr double two_over_sqrt_pi = 1.1283791670955126;
  return {std::erf(a.v), two_over_sqrt_pi * std::exp(-a.v * a.v) * a.d};
}
inline Dual pow(Dual a, Dual b) {
  // d(a^b) = b a^(b-1) da + a^b log(a) db; the log term only where db ≠ 0 (a may be ≤ 0).
  const double p = std::pow(a.v, b.v);
  double d = b.v * std::pow(a.v, b.v - 1) * a.d;
  if (b.d != 0) d += p * std::log(a.v) * b.d;
  return {p, d};
}

// A dual number whose tangent is the sum of the magnitudes of the chain-rule terms behind the
// derivative instead of their sum: t(a ± b) = t(a) + t(b), t(a·b) = t(a)|b| + |a|t(b),
// t(f(a)) = |f'(a)| t(a). One op's kernel run on it, with each operand's t set to its tangent's
// magnitude, gives the Σ|terms| that op's JVP sums — what its rounding (and, transposed, its
// VJP's) is relative to: softmax's VJP y·(g - Σ g·y) near one-hot y cancels terms ~|g| into a
// small gradient (oracles/running_error.hpp). Propagated along a whole graph instead, t would
// be Σ over paths of |Π partials|, which grows with the number of paths: not a rounding bound.
// Elementary functions reuse Dual's derivatives.
//
// One value's rounding reaches into the derivative beyond its own magnitude: a deviation x − μ
// from a statistic the op computed (reduce_std, reduce_variance, batch_norm, layer_norm:
// kernel::deviation). μ rounds relative to |μ|, so x − μ carries an error ~u·|μ| however small
// it is, and a derivative formula that multiplies by it — (x − μ)/(N·σ) — errs relative to |μ|
// (reduce_std of two f32 values 4.6e-4 apart at magnitude 1: 2.6e-4 relative, where terms
// relative to |x − μ| allowed 1e-7). `vt` holds that |μ|; products and quotients take such a
// value at |v| + vt, and it is not carried further (0 in every other result). Only the
// deviation sets it: a general running error here (every sum's, every function's) was tried
// and made softmax's bound 6 times larger, hiding a 1.5× wrong gradient.
struct TermsDual {
  double v = 0, d = 0, vt = 0;
  constexpr TermsDual() = default;
  constexpr TermsDual(double value, double terms = 0) : v(value), d(terms) {}  // NOLINT(implicit)
};

// |a|, widened by the rounding its value carries from a statistic: what a derivative formula
// multiplies by.
inline double reach(const TermsDual& a) { return std::abs(a.v) + a.vt; }

constexpr TermsDual operator+(TermsDual a, TermsDual b) { return {a.v + b.v, a.d + b.d}; }
constexpr TermsDual operator-(TermsDual a, TermsDual b) { return {a.v - b.v, a.d + b.d}; }
constexpr TermsDual operator-(TermsDual a) { return {-a.v, a.d}; }
inline TermsDual operator*(TermsDual a, TermsDual b) {
  return {a.v * b.v, (a.d != 0 ? a.d * reach(b) : 0.0) + (b.d != 0 ? reach(a) * b.d : 0.0)};
}
inline TermsDual operator/(TermsDual a, TermsDual b) {
  const double q = a.v / b.v, ab = std::abs(b.v);
  const double widen = b.vt != 0 ? reach(b) / ab : 1.0;  // 1/b at b off by its statistic's rounding
  return {q, ((a.d != 0 ? a.d / ab : 0.0) + (b.d != 0 ? reach(a) / ab / ab * b.d : 0.0)) * widen};
}
inline TermsDual& operator+=(TermsDual& a, TermsDual b) { return a = a + b; }
inline TermsDual& operator-=(TermsDual& a, TermsDual b) { return a = a - b; }
inline TermsDual& operator*=(TermsDual& a, TermsDual b) { return a = a * b; }
inline TermsDual& operator/=(TermsDual& a, TermsDual b) { return a = a / b; }

// f(a) for an f with a Dual overload: the value, and |f'(a)| times a's terms (none if a has none:
// f' may be infinite where the terms are 0).
template <class F>
TermsDual through_dual(TermsDual a, F f) {
  const Dual r = f(Dual(a.v, 1.0));
  return {r.v, a.d != 0 ? std::abs(r.d) * a.d : 0.0};
}
// f(a, b) likewise, with both partial derivatives.
template <class F>
TermsDual through_dual(TermsDual a, TermsDual b, F f) {
  const Dual da = f(Dual(a.v, 1.0), Dual(b.v, 0.0)), db = f(Dual(a.v, 0.0), Dual(b.v, 1.0));
  return {da.v, (a.d != 0 ? std::abs(da.d) * a.d : 0.0) + (b.d != 0 ? std::abs(db.d) * b.d : 0.0)};
}
#define TC_TERMS_DUAL_UNARY(fn) \
  inline TermsDual fn(TermsDual a) { return through_dual(a, [](Dual x) { return fn(x); }); }
TC_TERMS_DUAL_UNARY(exp)
TC_TERMS_DUAL_UNARY(expm1)
TC_TERMS_DUAL_UNARY(log)
TC_TERMS_DUAL_UNARY(log1p)
TC_TERMS_DUAL_UNARY(sqrt)
TC_TERMS_DUAL_UNARY(sin)
TC_TERMS_DUAL_UNARY(cos)
TC_TERMS_DUAL_UNARY(tan)
TC_TERMS_DUAL_UNARY(tanh)
TC_TERMS_DUAL_UNARY(atan)
TC_TERMS_DUAL_UNARY(erf)
inline TermsDual pow(TermsDual a, TermsDual b) {
  return through_dual(a, b, [](Dual x, Dual y) { return pow(x, y); });
}

// Complex extensions std::complex lacks, written to keep the imaginary part exact
// (complex step needs Im f(x + ih) to full precision, not the real part of a difference).
inline c128 expm1(c128 z) {
  const double e = std::expm1(z.real()), c = std::cos(z.imag()), s = std::sin(z.imag());
  const double half = std::sin(z.imag() / 2);
  return {e * c - 2 * half * half, (e + 1) * s};
}
inline c128 log1p(c128 z) {
  const double x = z.real(), y = z.imag();
  return {0.5 * std::log1p(2 * x + x * x + y * y), std::atan2(y, 1 + x)};
}
// erf has no complex implementation here: the op table marks it complex-ineligible, so the
// complex-step oracle never puts an imaginary part through it. It still evaluates erf of
// values that do not move with the sources (a constant's erf deciding a cond), whose
// imaginary part is exactly 0: those get the real erf. Any other input is a misuse: NaN.
inline c128 erf(c128 z) {
  if (z.imag() == 0) return {std::erf(z.real()), 0.0};
  return {std::nan(""), std::nan("")};
}

// a / b. Complex division by Smith's algorithm (std::complex) computes the imaginary part
// of (x + ih) / (x + ih) as (h - x·(h/x)) / ..., a rounding residue ~u·h/|x| where the
// exact value is 0, and complex step divides it by h: d/dx (x/x) came out as -4e-16 with an
// error estimate of 1e-31 (docs/properties.md, item 6). In the complex-step regime
// (|Im b| ≤ 2^-40 |Re b|) the quotient is taken to first order in Im b instead, which is
// exact to double precision there: Re = Re a / Re b (the very double the engine computes)
// and Im = (Im a·Re b - Re a·Im b) / (Re b)², whose products cancel exactly when they are
// the same products. Elsewhere, and where (Re b)² is not a normal number, Smith's algorithm.
// Every forward kernel that divides scalars of type S divides with quotient().
template <class S>
inline S quotient(S a, S b) {
  return a / b;
}
inline c128 quotient(c128 a, c128 b) {
  const double c = b.real(), d = b.imag(), c2 = c * c;
  if (!(std::abs(d) <= 0x1p-40 * std::abs(c)) || !std::isnormal(c2)) return a / b;
  return {a.real() / c, (a.imag() * c - a.real() * d) / c2};
}

// Real part: the value branches are decided on.
inline double real_part(double x) { return x; }
inline double real_part(c128 x) { return x.real(); }
inline double real_part(Dual x) { return x.v; }
inline double real_part(TermsDual x) { return x.v; }

// A constant of scalar type S.
template <class S>
inline S constant(double x) { return S(x); }

}  // namespace tc
