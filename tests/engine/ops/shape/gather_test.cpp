#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Gather, RowsWithDuplicatesAccumulateAndIndicesGetNone) {
  // params [[1,2],[3,4],[5,6]], indices [2,0,2]: row 2 is picked twice (gradient 2), row 1
  // never (gradient 0, not None); indices are an integer input (None).
  OpCase c{"gather", {t64({1, 2, 3, 4, 5, 6}, {3, 2}), i32({2, 0, 2}, {3})}, {},
           {5, 6, 1, 2, 5, 6}, {{{1, 1, 0, 0, 2, 2}}, std::nullopt}};
  expect_ad(c);
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6};
  // row 0 <- upstream row 1; row 2 <- upstream rows 0 + 2.
  c.expected_grads[0] = std::vector<double>{3, 4, 0, 0, 1 + 5, 2 + 6};
  expect_ad(c);
}

TEST(Gather, InnerAxisWithMatrixIndices) {
  // params [[1,2,3],[4,5,6]], axis 1, indices [[2,0],[1,1]] -> shape [2,2,2],
  // y[o, j0, j1] = params[o, indices[j0, j1]].
  OpAttrs a;
  a.axis = 1;
  OpCase c{"gather", {t64({1, 2, 3, 4, 5, 6}, {2, 3}), i32({2, 0, 1, 1}, {2, 2})}, a,
           {3, 1, 2, 2, 6, 4, 5, 5}, {{{2, 3 + 4, 1, 6, 7 + 8, 5}}, std::nullopt}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8};
  expect_ad(c);
  EXPECT_EQ(gather(t64({1, 2, 3, 4, 5, 6}, {2, 3}), i32({2, 0, 1, 1}, {2, 2}), -1).shape(),
            (Shape{2, 2, 2}));
}

TEST(Gather, ScalarIndexDropsTheAxis) {
  OpAttrs a;
  a.axis = 0;
  expect_ad({"gather", {t64({1, 2, 3, 4}, {2, 2}), i32({1}, {})}, a, {3, 4},
             {{{0, 0, 1, 1}}, std::nullopt}});
  EXPECT_EQ(gather(t64({1, 2, 3, 4}, {2, 2}), i32({1}, {})).shape(), (Shape{2}));
}

TEST(Gather, SecondOrderThroughScatterAdd) {
  // y = Σ_j p[idx_j]²: dy/dp_i = 2 c_i p_i with c_i = #{j : idx_j = i}; second derivative 2 c_i.
  const Tensor idx = i32({0, 2, 0}, {3});
  const auto [d1, d2] = second_order(t64({1.5, -1, 3}, {3}), [&](const Tensor& p) {
    const Tensor g = gather(p, idx);
    return g * g;
  });
  expect_values_near(d1, {2 * 2 * 1.5, 0, 2 * 3}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {4, 0, 2}, DType::f64, "second");
}

TEST(Gather, OutOfRangeIndexNamesTheIndexAndTheBound) {
  const Tensor p = t64({1, 2, 3, 4, 5, 6}, {3, 2});
  expect_error_naming<Error>([&] { gather(p, i32({0, 3}, {2})); }, {"index 3", "[0, 3)", "[3,2]"});
  expect_error_naming<Error>([&] { gather(p, i32({-1}, {1})); }, {"index -1", "[0, 3)"});
  expect_error_naming<Error>([&] { gather(p, i32({2}, {1}), 1); }, {"index 2", "[0, 2)"});
}

TEST(Gather, IndicesMustBeI32) {
  expect_error_naming<DTypeError>([] { gather(t64({1, 2}, {2}), t64({0}, {1})); },
                                  {"indices", "f64", "i32"});
  expect_error_naming<ShapeError>([] { gather(t64({1, 2}, {2}), i32({0}, {1}), 1); },
                                  {"axis 1"});
}

}  // namespace tc::test
