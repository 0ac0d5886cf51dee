#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/unary/unary_checks.hpp"

namespace tc::test {

TEST(LogSigmoid, ValuesAndGradient) {
  // log σ(0) = -ln 2 with derivative 1/2; far left it is x (derivative 1), far right 0.
  const std::vector<double> x{0, 1, -800, 800};
  expect_ad({"log_sigmoid", {vec64(x)}, {}, {-std::log(2.0), -std::log1p(std::exp(-1.0)), -800, 0},
             {{{0.5, 1 / (1 + std::exp(1.0)), 1, 0}}}});
  // d²/dx² = -σ(x)σ(-x): -1/4 at 0.
  expect_second_derivative("log_sigmoid", {0}, std::vector<double>{-0.25});
}

TEST(LogSigmoid, Errors) { expect_unary_errors("log_sigmoid"); }

}  // namespace tc::test
