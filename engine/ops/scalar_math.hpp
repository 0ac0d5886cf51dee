// Elementary and special functions the element-wise ops need on every scalar type the
// kernels are generic over (engine/core/scalar.hpp): the Dual overloads std lacks
// (f(v) + f'(v)·d ε), and digamma/polygamma, which std lacks altogether. Included by op files
// only.
//
// digamma ψ = Γ'/Γ and polygamma ψ⁽ⁿ⁾ = dⁿψ/dxⁿ: the recurrences ψ(x) = ψ(x + 1) − 1/x and
// ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) + (−1)ⁿ⁺¹ n!/xⁿ⁺¹ move x up to x ≥ kShiftTo, where the asymptotic
// series (Abramowitz & Stegun 6.3.18, 6.4.11) with the Bernoulli numbers B₂ … B₁₆ is below
// double rounding. The shift works for negative non-integers too (poles at 0, −1, −2 … give
// ±inf or NaN, as TF). No complex extension: the c128 overloads return the real function for
// a real argument (a constant's value) and NaN otherwise, like erf's (scalar.hpp); the table
// marks these ops complex-ineligible.
#pragma once
#include <cmath>
#include <complex>

#include "engine/core/scalar.hpp"

namespace tc {

// ---- Dual overloads (forward mode) ---------------------------------------------------------

inline Dual sinh(Dual a) { return {std::sinh(a.v), std::cosh(a.v) * a.d}; }
inline Dual cosh(Dual a) { return {std::cosh(a.v), std::sinh(a.v) * a.d}; }
inline Dual asin(Dual a) { return {std::asin(a.v), a.d / std::sqrt(1 - a.v * a.v)}; }
inline Dual acos(Dual a) { return {std::acos(a.v), -a.d / std::sqrt(1 - a.v * a.v)}; }
inline Dual asinh(Dual a) { return {std::asinh(a.v), a.d / std::sqrt(a.v * a.v + 1)}; }
inline Dual acosh(Dual a) { return {std::acosh(a.v), a.d / std::sqrt(a.v * a.v - 1)}; }
inline Dual atanh(Dual a) { return {std::atanh(a.v), a.d / (1 - a.v * a.v)}; }

// ---- TermsDual overloads (the tolerance model's Σ|terms|, scalar.hpp) ------------------------

TC_TERMS_DUAL_UNARY(sinh)
TC_TERMS_DUAL_UNARY(cosh)
TC_TERMS_DUAL_UNARY(asin)
TC_TERMS_DUAL_UNARY(acos)
TC_TERMS_DUAL_UNARY(asinh)
TC_TERMS_DUAL_UNARY(acosh)
TC_TERMS_DUAL_UNARY(atanh)

// ---- two-argument functions without a complex extension -------------------------------------
// atan2 and hypot are real functions of two real arguments; the complex-step oracle only needs
// their first-order expansion f(x + ih·u) = f(x) + ih·f'(x)u + O(h²), which these c128
// overloads return (exact for the tiny imaginary parts complex step uses). Dual numbers get
// the exact tangent.

// atan2(y, x), the angle of (x, y). ∂/∂y = x/r², ∂/∂x = -y/r²; at the origin 0/0 = NaN (TF).
inline double atan2_of(double y, double x) { return std::atan2(y, x); }
inline Dual atan2_of(Dual y, Dual x) {
  const double r2 = x.v * x.v + y.v * y.v;
  return {std::atan2(y.v, x.v), (x.v * y.d - y.v * x.d) / r2};
}
inline c128 atan2_of(c128 y, c128 x) {
  const double r2 = x.real() * x.real() + y.real() * y.real();
  return {std::atan2(y.real(), x.real()), (x.real() * y.imag() - y.real() * x.imag()) / r2};
}

// hypot(a, b) = √(a² + b²), without overflow. ∂/∂a = a/h, ∂/∂b = b/h; at the origin both are
// taken as 0 (hypot.cpp says why).
inline double hypot_of(double a, double b) { return std::hypot(a, b); }
inline Dual hypot_of(Dual a, Dual b) {
  const double h = std::hypot(a.v, b.v);
  return {h, h > 0 ? (a.v * a.d + b.v * b.d) / h : 0.0};
}
inline TermsDual atan2_of(TermsDual y, TermsDual x) {
  return through_dual(y, x, [](Dual a, Dual b) { return atan2_of(a, b); });
}
inline TermsDual hypot_of(TermsDual a, TermsDual b) {
  return through_dual(a, b, [](Dual x, Dual y) { return hypot_of(x, y); });
}
inline c128 hypot_of(c128 a, c128 b) {
  const double h = std::hypot(a.real(), b.real());
  return {h, h > 0 ? (a.real() * a.imag() + b.real() * b.imag()) / h : 0.0};
}

// ---- digamma and polygamma -----------------------------------------------------------------

namespace special {

inline constexpr double kShiftTo = 20.0;
// B₂, B₄, ..., B₁₆.
inline constexpr double kBernoulli[] = {1.0 / 6,        -1.0 / 30,   1.0 / 42,       -1.0 / 30,
                                        5.0 / 66,       -691.0 / 2730, 7.0 / 6,      -3617.0 / 510};

// A pole: x = 0, -1, -2, ...
inline bool at_pole(double x) { return x <= 0 && x == std::floor(x); }

}  // namespace special

inline double digamma(double x) {
  if (std::isnan(x)) return x;
  if (special::at_pole(x)) return std::nan("");
  double shifted = 0;
  while (x < special::kShiftTo) {
    shifted -= 1 / x;
    x += 1;
  }
  // ψ(x) ~ ln x − 1/(2x) − Σ_k B₂ₖ / (2k x²ᵏ)
  const double inv2 = 1 / (x * x);
  double series = 0, power = inv2;
  for (int k = 1; k <= 8; ++k) {
    series += special::kBernoulli[k - 1] / (2 * k) * power;
    power *= inv2;
  }
  return shifted + std::log(x) - 0.5 / x - series;
}

// ψ⁽ⁿ⁾(x) for n >= 0 (n = 0 is digamma).
inline double polygamma(int n, double x) {
  if (n == 0) return digamma(x);
  if (std::isnan(x)) return x;
  if (special::at_pole(x)) return n % 2 == 1 ? INFINITY : std::nan("");
  const double sign = n % 2 == 1 ? 1.0 : -1.0;  // (−1)ⁿ⁺¹
  const double n_factorial = std::tgamma(n + 1.0);
  double shifted = 0;
  const double shift_to = special::kShiftTo + 2 * n;
  while (x < shift_to) {
    shifted += sign * n_factorial / std::pow(x, n + 1);
    x += 1;
  }
  // ψ⁽ⁿ⁾(x) ~ (−1)ⁿ⁺¹ [ (n−1)!/xⁿ + n!/(2xⁿ⁺¹) + Σ_k B₂ₖ (2k+n−1)! / ((2k)! x²ᵏ⁺ⁿ) ]
  double sum = std::tgamma(n) / std::pow(x, n) + n_factorial / (2 * std::pow(x, n + 1));
  for (int k = 1; k <= 8; ++k)
    sum += special::kBernoulli[k - 1] * std::exp(std::lgamma(2.0 * k + n) - std::lgamma(2.0 * k + 1)) /
           std::pow(x, 2 * k + n);
  return shifted + sign * sum;
}

inline Dual lgamma(Dual a) { return {std::lgamma(a.v), digamma(a.v) * a.d}; }
inline Dual digamma(Dual a) { return {digamma(a.v), polygamma(1, a.v) * a.d}; }
inline Dual polygamma(int n, Dual a) { return {polygamma(n, a.v), polygamma(n + 1, a.v) * a.d}; }

TC_TERMS_DUAL_UNARY(lgamma)
TC_TERMS_DUAL_UNARY(digamma)
inline TermsDual polygamma(int n, TermsDual a) {
  return through_dual(a, [n](Dual x) { return polygamma(n, x); });
}

// No complex extension (see the file comment).
inline c128 lgamma(c128 z) {
  return z.imag() == 0 ? c128(std::lgamma(z.real()), 0) : c128(std::nan(""), std::nan(""));
}
inline c128 digamma(c128 z) {
  return z.imag() == 0 ? c128(digamma(z.real()), 0) : c128(std::nan(""), std::nan(""));
}
inline c128 polygamma(int n, c128 z) {
  return z.imag() == 0 ? c128(polygamma(n, z.real()), 0) : c128(std::nan(""), std::nan(""));
}

}  // namespace tc
