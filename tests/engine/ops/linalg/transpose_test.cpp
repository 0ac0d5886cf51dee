#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Transpose, EmptyPermReversesAxes) {
  // x = [[1,2,3],[4,5,6]] -> [[1,4],[2,5],[3,6]]; dx[i,j] = U[j,i].
  OpCase c{"transpose", {t64({1, 2, 3, 4, 5, 6}, {2, 3})}, {}, {1, 4, 2, 5, 3, 6},
           {{{10, 30, 50, 20, 40, 60}}}};
  c.upstream = std::vector<double>{10, 20, 30, 40, 50, 60};
  expect_ad(c);
  EXPECT_EQ(transpose(t64({1, 2, 3, 4, 5, 6}, {2, 3})).shape(), (Shape{3, 2}));
}

TEST(Transpose, ThreeAxesGradientUsesTheInversePermutation) {
  // perm [1,2,0]: y[i,j,k] = x[k,i,j], y of shape [3,4,2]; dx[k,i,j] = U[i,j,k].
  std::vector<double> x(24), u(24), y(24), dx(24);
  for (int i = 0; i < 24; ++i) {
    x[i] = 0.5 * i - 3;
    u[i] = 1 + i * i % 7;
  }
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 2; ++k) {
        y[(i * 4 + j) * 2 + k] = x[(k * 3 + i) * 4 + j];
        dx[(k * 3 + i) * 4 + j] = u[(i * 4 + j) * 2 + k];
      }
  OpAttrs a;
  a.perm = {1, 2, 0};
  OpCase c{"transpose", {t64(x, {2, 3, 4})}, a, y, {dx}};
  c.upstream = u;
  expect_ad(c);
  EXPECT_EQ(transpose(t64(x, {2, 3, 4}), {1, 2, 0}).shape(), (Shape{3, 4, 2}));
  EXPECT_EQ(transpose(t64(x, {2, 3, 4}), {-2, -1, 0}).shape(), (Shape{3, 4, 2}));
}

TEST(Transpose, SecondOrder) {
  const auto [d1, d2] = second_order(t64({1, 2, 3, 4, 5, 6}, {2, 3}), [](const Tensor& x) {
    const Tensor t = transpose(x);
    return t * t;
  });
  expect_values_near(d1, {2, 4, 6, 8, 10, 12}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {2, 2, 2, 2, 2, 2}, DType::f64, "second");
}

TEST(Transpose, BadPermNamesPermAndShape) {
  expect_error_naming<ShapeError>([] { transpose(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {0, 0}); },
                                  {"[0,0]", "[2,3]"});
  expect_error_naming<ShapeError>([] { transpose(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {0}); },
                                  {"[0]", "[2,3]"});
  expect_error_naming<ShapeError>([] { transpose(t64({1, 2, 3, 4, 5, 6}, {2, 3}), {0, 2}); },
                                  {"[0,2]", "[2,3]"});
}

// matrix_transpose (what every matmul VJP runs) shares one permutation per rank: the values,
// the shape and the permutation provenance records are those of transpose with the last two
// axes swapped, at rank 2 and with a batch axis.
TEST(MatrixTranspose, SwapsTheLastTwoAxesAndRecordsThatPermutation) {
  const Tensor m = matrix_transpose(t64({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_EQ(m.shape(), (Shape{3, 2}));
  EXPECT_EQ(m.values(), (std::vector<double>{1, 4, 2, 5, 3, 6}));
  ASSERT_NE(m.impl()->attrs, nullptr);
  EXPECT_EQ(m.impl()->attrs->perm, (std::vector<std::int64_t>{1, 0}));

  std::vector<double> x(12);
  for (int i = 0; i < 12; ++i) x[i] = i;
  const Tensor b = matrix_transpose(t64(x, {2, 2, 3}));
  EXPECT_EQ(b.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(b.values(), transpose(t64(x, {2, 2, 3}), {0, 2, 1}).values());
  ASSERT_NE(b.impl()->attrs, nullptr);
  EXPECT_EQ(b.impl()->attrs->perm, (std::vector<std::int64_t>{0, 2, 1}));
}

TEST(MatrixTranspose, BelowRankTwoIsAShapeErrorNamingTheShape) {
  expect_error_naming<ShapeError>([] { matrix_transpose(t64({1, 2, 3}, {3})); },
                                  {"matrix_transpose", "[3]"});
}

}  // namespace tc::test
