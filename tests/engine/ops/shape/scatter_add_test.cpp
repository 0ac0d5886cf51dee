#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(ScatterAdd, DuplicatesAccumulateAndGradientIsGather) {
  // zeros[3]; y[0] += 1 + 3, y[2] += 2. dy/dupdates_j = U[idx_j].
  OpAttrs a;
  a.axis = 0;
  a.shape = {3};
  OpCase c{"scatter_add", {t64({1, 2, 3}, {3}), i32({0, 2, 0}, {3})}, a, {4, 0, 2},
           {{{10, 30, 10}}, std::nullopt}};
  c.upstream = std::vector<double>{10, 20, 30};
  expect_ad(c);
}

TEST(ScatterAdd, InnerAxis) {
  // shape [2,3], axis 1, indices [1,1]: y[o,1] = u[o,0] + u[o,1].
  OpAttrs a;
  a.axis = 1;
  a.shape = {2, 3};
  OpCase c{"scatter_add", {t64({1, 2, 3, 4}, {2, 2}), i32({1, 1}, {2})}, a, {0, 3, 0, 0, 7, 0},
           {{{20, 20, 50, 50}}, std::nullopt}};
  c.upstream = std::vector<double>{10, 20, 30, 40, 50, 60};
  expect_ad(c);
}

TEST(ScatterAdd, SecondOrderThroughGather) {
  // y = Σ_i s_i² with s = scatter_add(u, [1,1,0]) into [2]: s = [u2, u0 + u1];
  // dy/du = [2 s1, 2 s1, 2 s0]; the Hessian's row sums are [4, 4, 2].
  const Tensor idx = i32({1, 1, 0}, {3});
  const auto [d1, d2] = second_order(t64({1, 2, 5}, {3}), [&](const Tensor& u) {
    const Tensor s = scatter_add(u, idx, 0, {2});
    return s * s;
  });
  expect_values_near(d1, {6, 6, 10}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {4, 4, 2}, DType::f64, "second");
}

TEST(ScatterAdd, Errors) {
  expect_error_naming<ShapeError>([] { scatter_add(t64({1, 2}, {2}), i32({0, 1, 1}, {3}), 0, {4}); },
                                  {"[2]", "[4]", "[3]"});
  expect_error_naming<Error>([] { scatter_add(t64({1}, {1}), i32({4}, {1}), 0, {4}); },
                             {"index 4", "[0, 4)"});
}

}  // namespace tc::test
