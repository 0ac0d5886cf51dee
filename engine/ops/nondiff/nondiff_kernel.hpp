// Kernel helpers shared by the nondiff ops (included by their .cpp files only).
// Their outputs are piecewise constant in the inputs (or, for stop_gradient, deliberately
// constant to the tape), so on Dual / complex scalars every kernel decides on real parts and
// returns a result with zero tangent / imaginary part: forward mode then agrees with the
// tape, which treats the cut edge as contributing nothing.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/dtype.hpp"
#include "engine/ops/kernel.hpp"

namespace tc::kernel {

// A value's integer as a Branches side (saturated to i32; NaN -> 0).
inline std::int32_t integer_side(double v) {
  return static_cast<std::int32_t>(round_to_dtype(v, DType::i32));
}

// y[i] = S(f(Re x[i])) for an integer-valued f (floor, ceil, round): the tangent and the
// imaginary part are dropped; the side recorded is the integer value itself, so a stencil
// that crosses an integer (or a half-integer, for round) changes the signature.
template <class S, class F>
void integer_valued(const In<S>& x, const Out<S>& y, Branches* branches, F f) {
  const std::int64_t n = numel(y.spec);
  for (std::int64_t i = 0; i < n; ++i) {
    const double v = f(real_part(x.data[i]));
    y.data[i] = S(v);
    if (branches) branches->add(integer_side(v));
  }
}

// The side of a comparison of a and b: -1 (a < b), 0 (a == b), 1 (a > b), 2 (unordered: NaN).
inline std::int32_t compare_side(double a, double b) {
  return a < b ? -1 : a > b ? 1 : a == b ? 0 : 2;
}

// out = pred(Re a, Re b) ? 1 : 0 with broadcasting; records compare_side per element.
template <class S, class Pred>
void compare(const In<S>& a, const In<S>& b, const Out<S>& out, Branches* branches, Pred pred) {
  binary(a, b, out, [&](S x, S y) {
    const double xr = real_part(x), yr = real_part(y);
    if (branches) branches->add(compare_side(xr, yr));
    return S(pred(xr, yr) ? 1.0 : 0.0);
  });
}

// The infer rule of comparisons: one dtype (any) for both, broadcast, bool result.
inline TensorSpec infer_compare(const char* op, const TensorSpec* in, int n) {
  return infer_binary_same_dtype(op, in, n, DType::boolean);
}

// argmax/argmin along attrs.axis: out[o, i] = the index j of x[o, j, i] that `better`
// prefers over every other, the FIRST such j on ties (TF). Decided on real parts; NaN never
// wins unless it comes first. Records the winning index as the side.
template <class S, class Better>
void arg_reduce(const char* op, const OpAttrs& a, const In<S>& x, const Out<S>& out, Branches* branches,
                Better better) {
  const Shape& s = x.spec.shape;
  const int axis = normalize_axis(a.axis, s.rank(), op);
  std::int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= s[d];
  for (int d = axis + 1; d < s.rank(); ++d) inner *= s[d];
  const std::int64_t len = s[axis];
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const S* base = x.data + o * len * inner + i;
      std::int64_t best = 0;
      for (std::int64_t j = 1; j < len; ++j)
        if (better(real_part(base[j * inner]), real_part(base[best * inner]))) best = j;
      out.data[o * inner + i] = S(static_cast<double>(best));
      if (branches) branches->add(static_cast<std::int32_t>(best));
    }
  }
}

// x of any dtype, rank >= 1, a non-empty axis; the result drops that axis and is i32.
inline TensorSpec infer_arg_reduce(const char* op, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  const Shape& s = in[0].shape;
  const int axis = normalize_axis(a.axis, s.rank(), op);
  if (s[axis] == 0)
    throw ShapeError(std::string(op) + ": axis " + std::to_string(a.axis) +
                     " of shape " + s.str() + " is empty (no index to return)");
  std::vector<std::int64_t> dims;
  for (int d = 0; d < s.rank(); ++d)
    if (d != axis) dims.push_back(s[d]);
  return {DType::i32, Shape(dims)};
}

// Logical ops take bool tensors only (TF has no implicit truthiness): DTypeError otherwise.
inline void expect_bool(const char* op, const TensorSpec& s, int input) {
  if (s.dtype != DType::boolean)
    throw DTypeError(std::string(op) + ": input " + std::to_string(input) + " has dtype " +
                     std::string(dtype_name(s.dtype)) + " and shape " + s.shape.str() +
                     ", expected bool");
}

// y = x, keeping only the real part on Dual / complex scalars: the value of an op whose result
// is constant to every tape (stop_gradient, host_round_trip), so forward mode and the complex
// step see no derivative through it either.
template <class S>
void real_identity(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  unary(in[0], out, [](S x) { return S(real_part(x)); });
}

}  // namespace tc::kernel
