// Helpers for writing forward kernels once, generic over the scalar type S (scalar.hpp).
// Included by op files only; keeps Eigen out of public headers.
#pragma once
#include <array>
#include <cstdint>
#include <type_traits>

#include "engine/core/errors.hpp"
#include "engine/ops/op_def.hpp"

// The three instantiations an OpDef needs, in the order of its forward_* fields.
#define TC_FORWARDS(fn) &fn<double>, &fn<::tc::c128>, &fn<::tc::Dual>, &fn<::tc::TermsDual>

namespace tc::kernel {

inline std::int64_t numel(const TensorSpec& s) { return s.shape.numel(); }

// y[i] = f(x[i]).
template <class S, class F>
void unary(const In<S>& x, const Out<S>& y, F f) {
  const std::int64_t n = numel(y.spec);
  for (std::int64_t i = 0; i < n; ++i) y.data[i] = f(x.data[i]);
}

// Visits every element of `out` (row-major) with the offsets of each operand broadcast to
// it: visit(i, off) where off[k] indexes operand k.
template <std::size_t K, class Visit>
void for_each_broadcast(const Shape& out, const std::array<const Shape*, K>& operands, Visit visit) {
  std::array<std::array<std::int64_t, limits::kMaxRank>, K> strides;
  for (std::size_t k = 0; k < K; ++k) strides[k] = broadcast_strides(*operands[k], out);
  const int r = out.rank();
  std::array<std::int64_t, limits::kMaxRank> idx{};
  std::array<std::int64_t, K> off{};
  const std::int64_t n = out.numel();
  for (std::int64_t i = 0; i < n; ++i) {
    visit(i, off);
    for (int d = r - 1; d >= 0; --d) {  // odometer increment
      ++idx[d];
      for (std::size_t k = 0; k < K; ++k) off[k] += strides[k][d];
      if (idx[d] < out[d]) break;
      for (std::size_t k = 0; k < K; ++k) off[k] -= strides[k][d] * idx[d];
      idx[d] = 0;
    }
  }
}

// out[i] = f(a[ia], b[ib]) with NumPy broadcasting; fast paths for equal shapes and scalars.
template <class S, class F>
void binary(const In<S>& a, const In<S>& b, const Out<S>& out, F f) {
  const Shape& s = out.spec.shape;
  const std::int64_t n = s.numel();
  const bool a_full = a.spec.shape == s, b_full = b.spec.shape == s;
  if (a_full && b_full) {
    for (std::int64_t i = 0; i < n; ++i) out.data[i] = f(a.data[i], b.data[i]);
  } else if (a_full && b.spec.shape.numel() == 1) {
    const S bv = b.data[0];
    for (std::int64_t i = 0; i < n; ++i) out.data[i] = f(a.data[i], bv);
  } else if (b_full && a.spec.shape.numel() == 1) {
    const S av = a.data[0];
    for (std::int64_t i = 0; i < n; ++i) out.data[i] = f(av, b.data[i]);
  } else {
    for_each_broadcast<2>(s, {&a.spec.shape, &b.spec.shape},
                          [&](std::int64_t i, const std::array<std::int64_t, 2>& o) {
                            out.data[i] = f(a.data[o[0]], b.data[o[1]]);
                          });
  }
}

// Shape/dtype rules shared by many ops. Each throws naming `op`. The checks are inline and
// only the throws out of line: every op runs one of these, and the calls into kernel.cpp for
// checks that pass were a sixth of an add's bookkeeping.
namespace detail {
[[noreturn]] void throw_arity(const char* op, int n, int expected);
[[noreturn]] void throw_not_floating(const char* op, const TensorSpec& s, int input);
[[noreturn]] void throw_dtypes_differ(const char* op, const TensorSpec* in, int a, int b);
}  // namespace detail
inline void expect_arity(const char* op, int n, int expected) {
  if (n != expected) detail::throw_arity(op, n, expected);
}
inline void expect_floating(const char* op, const TensorSpec& s, int input) {
  if (!is_floating(s.dtype)) detail::throw_not_floating(op, s, input);
}
// Inputs a and b of one dtype (no implicit promotion); expect_same_floating: floating too.
inline void expect_same_dtype(const char* op, const TensorSpec* in, int a, int b) {
  if (in[a].dtype != in[b].dtype) detail::throw_dtypes_differ(op, in, a, b);
}
inline void expect_same_floating(const char* op, const TensorSpec* in, int a, int b) {
  expect_floating(op, in[a], a);
  expect_floating(op, in[b], b);
  expect_same_dtype(op, in, a, b);
}
inline TensorSpec infer_unary_float(const char* op, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  expect_floating(op, in[0], 0);
  return in[0];
}
// Two operands of one (any) dtype broadcast together; result dtype `out` (bool for compares).
inline TensorSpec infer_binary_same_dtype(const char* op, const TensorSpec* in, int n, DType out) {
  expect_arity(op, n, 2);
  expect_same_dtype(op, in, 0, 1);
  return {out, broadcast_shapes(in[0].shape, in[1].shape, op)};
}
inline TensorSpec infer_binary_float(const char* op, const TensorSpec* in, int n) {
  expect_arity(op, n, 2);
  expect_same_floating(op, in, 0, 1);
  return infer_binary_same_dtype(op, in, n, in[0].dtype);
}

}  // namespace tc::kernel
