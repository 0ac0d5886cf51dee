#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

namespace {
OpAttrs equation(std::string eq) {
  OpAttrs a;
  a.equation = std::move(eq);
  return a;
}
}  // namespace

TEST(Einsum, MatrixProduct) {
  // [[1,2],[3,4]] @ [[5,6],[7,8]]; d sum / da[i,j] = Σ_k b[j,k], d sum / db[j,k] = Σ_i a[i,j].
  OpCase c{"einsum", {t64({1, 2, 3, 4}, {2, 2}), t64({5, 6, 7, 8}, {2, 2})}, equation("ij,jk->ik"),
           {19, 22, 43, 50}, {{{11, 15, 11, 15}}, {{4, 4, 6, 6}}}};
  expect_ad(c);
}

TEST(Einsum, BatchContractionWithTransposedOutput) {
  // "bij,bjk->bki": per batch b a [1, 2] row times a [2, 1] column; the output's last two
  // axes swapped. y = [1·5 + 2·6, 3·7 + 4·8]; with upstream [1, 10] da[b] = u_b·b[b]ᵀ and
  // db[b] = u_b·a[b]ᵀ.
  OpCase c{"einsum", {t64({1, 2, 3, 4}, {2, 1, 2}), t64({5, 6, 7, 8}, {2, 2, 1})}, equation("bij,bjk->bki"),
           {17, 53}, {{{5, 6, 70, 80}}, {{1, 2, 30, 40}}}};
  c.upstream = std::vector<double>{1, 10};
  expect_ad(c);
}

TEST(Einsum, LetterSummedInOneOperandBroadcastsItsGradient) {
  // "ij,j->": i appears in a only and not in the output, so every a[i, j] receives b[j];
  // b[j] receives Σ_i a[i, j].
  OpCase c{"einsum", {t64({1, 2, 3, 4}, {2, 2}), t64({5, 6}, {2})}, equation("ij,j->"), {56},
           {{{5, 6, 5, 6}}, {{4, 6}}}};
  expect_ad(c);
}

TEST(Einsum, OuterProductTransposed) {
  OpCase c{"einsum", {t64({1, 2}, {2}), t64({3, 4, 5}, {3})}, equation("i,j->ji"), {3, 6, 4, 8, 5, 10},
           {{{12, 12}}, {{3, 3, 3}}}};
  expect_ad(c);
}

TEST(Einsum, SecondDerivativeThroughTheDerivedEquations) {
  // Σ (X X)_ik = Σ_ijk x_ij x_jk: d/dx_pq = rowsum_q + colsum_p; its sum is 2·n·Σx, so every
  // entry of the second derivative is 2n = 4.
  const auto [d1, d2] = second_order(t64({1, 2, 3, 4}, {2, 2}), [](const Tensor& x) {
    return einsum(x, x, "ij,jk->ik");
  });
  expect_values_near(d1, {7, 11, 9, 13}, DType::f64, "first");
  ASSERT_TRUE(d2);
  expect_values_near(*d2, {4, 4, 4, 4}, DType::f64, "second");
}

TEST(Einsum, BadEquationsNameTheCharacter) {
  const Tensor a = t64({1, 2, 3, 4}, {2, 2});
  auto with = [&](const char* eq) { return [&a, eq] { einsum(a, a, eq); }; };
  expect_error_naming<ShapeError>(with("ij,jk>ik"), {"einsum", "\"ij,jk>ik\"", "character 6", "\"->\""});
  expect_error_naming<ShapeError>(with("ii,ij->j"), {"character 2", "'i' appears twice", "diagonals"});
  expect_error_naming<ShapeError>(with("ij,jk->il"), {"character 9", "output letter 'l'"});
  expect_error_naming<ShapeError>(with("i...,jk->ik"), {"character 2", "ellipses"});
  expect_error_naming<ShapeError>(with("ij->ij"), {"character 3", "two operands"});
  expect_error_naming<ShapeError>(with("ij,jk,kl->il"), {"character 6", "third operand"});
  expect_error_naming<ShapeError>(with("i j,jk->ik"), {"character 2", "' ' is not a letter"});
}

TEST(Einsum, OperandsThatDoNotFitTheEquationRaise) {
  const Tensor a = t64({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = t64({1, 2, 3, 4}, {2, 2});
  expect_error_naming<ShapeError>([&] { einsum(a, b, "ij,jk->ik"); },
                                  {"letter 'j'", "3 in operand 0 [2,3]", "2 in operand 1 [2,2]"});
  expect_error_naming<ShapeError>([&] { einsum(a, b, "ijk,jk->i"); }, {"operand 0 [2,3]", "rank 2", "3 axes"});
  expect_error_naming<DTypeError>([&] { einsum(a, Tensor::constant({1, 2, 3}, Shape{3}, DType::f32), "ij,j->i"); },
                                  {"einsum", "f64", "f32"});
}

}  // namespace tc::test
