// Small helpers shared by the op tests (shape, linalg, select; binary and reduce for the
// nested-tape second derivative): error-message checks, integer/bool tensors and a nested-tape
// second derivative.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/tape.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

// f() throws E whose message contains every one of `parts` (e.g. both shapes, R15).
template <class E, class F>
void expect_error_naming(F f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected an exception naming " << ::testing::PrintToString(parts);
  } catch (const E& e) {
    for (const std::string& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "'" << p << "' missing from: " << e.what();
  }
}

inline Tensor i32(std::vector<double> values, std::vector<std::int64_t> shape) {
  return Tensor::constant(std::move(values), Shape(shape), DType::i32);
}
inline Tensor boolean(std::vector<double> values, std::vector<std::int64_t> shape) {
  return Tensor::constant(std::move(values), Shape(shape), DType::boolean);
}

// d/dx sum(d/dx sum(f(x))) through two nested tapes: the inner gradient must be recorded
// by the outer tape (R10). Returns {first derivative, second derivative or None}.
inline std::pair<Tensor, std::optional<Tensor>> second_order(
    const Tensor& x, const std::function<Tensor(const Tensor&)>& f) {
  GradientTape outer;
  Tensor dy;
  {
    auto o = outer.recording();
    outer.watch(x);
    GradientTape inner;
    Tensor y;
    {
      auto i = inner.recording();
      inner.watch(x);
      y = f(x);
    }
    dy = *inner.gradient(y, x);
  }
  return {dy, outer.gradient(dy, x)};
}

}  // namespace tc::test
