// For the tests of ops that are another op's VJP (tanh_grad, sigmoid_grad): the gradient a
// tape gives through that other op.
#pragma once
#include <gtest/gtest.h>

#include <optional>

#include "engine/api.hpp"

namespace tc::test {

// d f(x) / dx with `dy` as the upstream gradient, from a tape that watched x.
inline Tensor gradient_through(Tensor (*f)(const Tensor&), const Tensor& x, const Tensor& dy) {
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = f(x);
  }
  GradientOptions upstream;
  upstream.output_gradients = dy;
  const std::optional<Tensor> g = tape.gradient(y, x, upstream);
  EXPECT_TRUE(g.has_value());
  return g.value_or(Tensor());
}

}  // namespace tc::test
