// Checks shared by the maximum and minimum tests (engine/ops/binary/extremum.hpp is the
// mechanics they share): a tie sends the whole gradient to the first operand, and the
// Branches side each element records.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/ops/op_table.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

// op(x, x): the value is x; the gradient is all a's (ones), and zero (not None, R5) for b.
inline void expect_tie_goes_to_first_operand(const std::string& op, const std::vector<double>& x) {
  const std::vector<std::int64_t> shape{static_cast<std::int64_t>(x.size())};
  expect_ad({op, {t64(x, shape), t64(x, shape)}, {}, x,
             {{std::vector<double>(x.size(), 1.0)}, {std::vector<double>(x.size(), 0.0)}}});
}

// The sides op's f64 forward records for two vectors of one length (0 = a won, 1 = b won,
// 2 = tie).
inline std::vector<std::int32_t> recorded_sides(const std::string& op, const std::vector<double>& a,
                                                const std::vector<double>& b) {
  const TensorSpec s{DType::f64, Shape{static_cast<std::int64_t>(a.size())}};
  const In<double> in[2] = {{a.data(), s}, {b.data(), s}};
  std::vector<double> y(a.size());
  Branches br;
  get_op(op).forward_f64({}, in, 2, {y.data(), s}, &br);
  return br.sides;
}

}  // namespace tc::test
