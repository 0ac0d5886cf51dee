// expect_ad: the one helper every per-op test calls (in the spirit of Stan's expect_ad).
// Given an op, inputs and hand-derived results it checks, in f64 and again in f32:
//   1. the forward value;
//   2. the tape's gradient of sum(y) (or of <upstream, y>) for every input: a value where
//      one is expected, None (no value, not zeros) where None is expected;
//   3. that forward mode (the op's kernel on dual numbers) gives <grad, u> for a direction u;
//   4. the same by complex step, for ops with a complex extension.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "engine/tensor.hpp"

namespace tc::test {

struct OpCase {
  std::string op;
  std::vector<Tensor> inputs;  // f64 (or integer/bool) inputs; f32 is derived from them
  OpAttrs attrs{};
  std::vector<double> expected;                                // y
  std::vector<std::optional<std::vector<double>>> expected_grads;  // per input; nullopt = None
  std::optional<std::vector<double>> upstream;                 // output_gradients; ones if unset
  bool also_f32 = true;
};

void expect_ad(const OpCase& c);

// Values of `t` equal `expected` within `tol` (elementwise, NaN == NaN).
void expect_values_near(const Tensor& t, const std::vector<double>& expected, DType dtype,
                        const std::string& what);

// Shorthand: an f64 tensor.
Tensor t64(std::vector<double> values, std::vector<std::int64_t> shape);
Tensor scalar64(double v);

}  // namespace tc::test
