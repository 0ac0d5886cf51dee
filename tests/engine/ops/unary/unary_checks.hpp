// Checks shared by the unary family's tests, on top of expect_ad: second derivatives through
// nested tapes (R10), the kink sides an op records, and the errors a unary op raises.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/tape.hpp"
#include "tests/support/expect_ad.hpp"
#include "tests/support/tolerances.hpp"

namespace tc::test {

inline Tensor vec64(const std::vector<double>& x) {
  return t64(x, {static_cast<std::int64_t>(x.size())});
}

// The tape's gradient of sum(op(x)) at x (f64), or None.
inline std::optional<Tensor> first_derivative(const std::string& op, const std::vector<double>& x,
                                              const OpAttrs& attrs = {}) {
  const Tensor xt = vec64(x);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(xt);
    y = apply_op(get_op(op), {xt}, attrs);
  }
  return tape.gradient(y, xt);
}

// f''(x) element-wise, by an outer tape recording the inner tape's VJP (R10); expected
// nullopt means the second-order gradient must be None.
inline void expect_second_derivative(const std::string& op, const std::vector<double>& x,
                                     const std::optional<std::vector<double>>& expected,
                                     const OpAttrs& attrs = {}) {
  SCOPED_TRACE("second derivative of " + op);
  const Tensor xt = vec64(x);
  GradientTape outer;
  std::optional<Tensor> g;
  {
    auto rec = outer.recording();
    outer.watch(xt);
    GradientTape inner;
    Tensor y;
    {
      auto rec_inner = inner.recording();
      inner.watch(xt);
      y = apply_op(get_op(op), {xt}, attrs);
    }
    g = inner.gradient(y, xt);
  }
  ASSERT_TRUE(g.has_value()) << op << ": first derivative is None";
  const std::optional<Tensor> h = outer.gradient(*g, xt);
  if (!expected) {
    EXPECT_FALSE(h.has_value()) << op << ": expected None, got " << to_string(*h);
    return;
  }
  ASSERT_TRUE(h.has_value()) << op << ": second derivative is None";
  expect_values_near(*h, *expected, DType::f64, op + "''");
}

// The kink sides the f64 forward records for x (one per element for kinked ops, none for
// smooth ones).
inline std::vector<std::int32_t> branch_sides(const std::string& op, const std::vector<double>& x,
                                              const OpAttrs& attrs = {}) {
  const TensorSpec spec{DType::f64, Shape({static_cast<std::int64_t>(x.size())})};
  std::vector<double> y(x.size());
  const In<double> in{x.data(), spec};
  Branches b;
  get_op(op).forward_f64(attrs, &in, 1, {y.data(), spec}, &b);
  return b.sides;
}

// A unary op rejects integer input (naming the op and the dtype) and a
// second operand (naming the op), at the op (R15).
inline void expect_unary_errors(const std::string& op) {
  SCOPED_TRACE("errors of " + op);
  const Tensor ints = Tensor::constant({1, 2}, Shape({2}), DType::i32);
  try {
    apply_op(get_op(op), {ints});
    ADD_FAILURE() << op << ": expected DTypeError for i32 input";
  } catch (const DTypeError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(op), std::string::npos) << m;
    EXPECT_NE(m.find("i32"), std::string::npos) << m;
  }
  try {
    apply_op(get_op(op), {vec64({1, 2}), vec64({1, 2, 3})});
    ADD_FAILURE() << op << ": expected ShapeError for two inputs";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find(op), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
