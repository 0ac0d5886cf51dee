#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

namespace {

// Reference batched product by the definition, with NumPy batch broadcasting, and the
// gradients of <U, a @ b>: da[.., i, t] = Σ_j U[.., i, j] b[.., t, j], db[.., t, j] =
// Σ_i a[.., i, t] U[.., i, j], each summed over the batch elements that used it.
struct Ref {
  std::vector<double> y, da, db;
};

Ref reference(const std::vector<double>& a, std::vector<std::int64_t> as,
              const std::vector<double>& b, std::vector<std::int64_t> bs,
              const std::vector<double>& u) {
  const std::int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  std::vector<std::int64_t> ba(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
  const std::size_t r = std::max(ba.size(), bb.size());
  ba.insert(ba.begin(), r - ba.size(), 1);
  bb.insert(bb.begin(), r - bb.size(), 1);
  std::vector<std::int64_t> bo(r);
  std::int64_t batches = 1;
  for (std::size_t d = 0; d < r; ++d) batches *= (bo[d] = std::max(ba[d], bb[d]));
  Ref out{std::vector<double>(static_cast<std::size_t>(batches * m * n)),
          std::vector<double>(a.size()), std::vector<double>(b.size())};
  for (std::int64_t q = 0; q < batches; ++q) {
    std::int64_t rest = q, ia = 0, ib = 0, sa = 1, sb = 1;  // batch offsets of a and b
    for (std::size_t d = r; d-- > 0;) {
      const std::int64_t idx = rest % bo[d];
      rest /= bo[d];
      ia += (ba[d] == 1 ? 0 : idx) * sa;
      ib += (bb[d] == 1 ? 0 : idx) * sb;
      sa *= ba[d];
      sb *= bb[d];
    }
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        const std::size_t yo = static_cast<std::size_t>((q * m + i) * n + j);
        for (std::int64_t t = 0; t < k; ++t) {
          const std::size_t ao = static_cast<std::size_t>((ia * m + i) * k + t);
          const std::size_t bo2 = static_cast<std::size_t>((ib * k + t) * n + j);
          out.y[yo] += a[ao] * b[bo2];
          out.da[ao] += u[yo] * b[bo2];
          out.db[bo2] += a[ao] * u[yo];
        }
      }
  }
  return out;
}

std::vector<double> seq(std::size_t n, double start, double step) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + step * static_cast<double>(i);
  return v;
}

void check(std::vector<std::int64_t> as, std::vector<std::int64_t> bs,
           std::vector<std::int64_t> ys) {
  std::int64_t na = 1, nb = 1, ny = 1;
  for (auto d : as) na *= d;
  for (auto d : bs) nb *= d;
  for (auto d : ys) ny *= d;
  const auto a = seq(static_cast<std::size_t>(na), -1.5, 0.25);
  const auto b = seq(static_cast<std::size_t>(nb), 2.0, -0.5);
  const auto u = seq(static_cast<std::size_t>(ny), 0.5, 0.75);
  const Ref r = reference(a, as, b, bs, u);
  OpCase c{"matmul", {t64(a, as), t64(b, bs)}, {}, r.y, {r.da, r.db}};
  c.upstream = u;
  expect_ad(c);
  EXPECT_EQ(matmul(t64(a, as), t64(b, bs)).shape(), Shape(ys));
}

// The values of a [..., r, c] tensor stored with its last two axes swapped: [..., c, r].
std::vector<double> swap_last_two(const std::vector<double>& v, const std::vector<std::int64_t>& shape) {
  const std::int64_t r = shape[shape.size() - 2], c = shape.back();
  std::vector<double> out(v.size());
  for (std::size_t q = 0; q < v.size() / static_cast<std::size_t>(r * c); ++q)
    for (std::int64_t i = 0; i < r; ++i)
      for (std::int64_t j = 0; j < c; ++j)
        out[q * static_cast<std::size_t>(r * c) + static_cast<std::size_t>(j * r + i)] =
            v[q * static_cast<std::size_t>(r * c) + static_cast<std::size_t>(i * c + j)];
  return out;
}

std::vector<std::int64_t> swapped(std::vector<std::int64_t> shape) {
  std::swap(shape[shape.size() - 1], shape[shape.size() - 2]);
  return shape;
}

// a @ b computed with a and/or b held transposed (transpose_a / transpose_b): the same product
// and, for each stored operand, the plain layout's gradient stored the same way.
void check_layout(std::vector<std::int64_t> as, std::vector<std::int64_t> bs, bool ta, bool tb) {
  std::int64_t na = 1, nb = 1;
  for (auto d : as) na *= d;
  for (auto d : bs) nb *= d;
  const auto a = seq(static_cast<std::size_t>(na), -1.5, 0.25);
  const auto b = seq(static_cast<std::size_t>(nb), 2.0, -0.5);
  const Tensor plain = matmul(t64(a, as), t64(b, bs));
  const auto u = seq(static_cast<std::size_t>(plain.numel()), 0.5, 0.75);
  const Ref r = reference(a, as, b, bs, u);
  OpAttrs attrs;
  attrs.transpose_a = ta;
  attrs.transpose_b = tb;
  const Tensor a_held = ta ? t64(swap_last_two(a, as), swapped(as)) : t64(a, as);
  const Tensor b_held = tb ? t64(swap_last_two(b, bs), swapped(bs)) : t64(b, bs);
  OpCase c{"matmul", {a_held, b_held}, attrs, r.y,
           {ta ? swap_last_two(r.da, as) : r.da, tb ? swap_last_two(r.db, bs) : r.db}};
  c.upstream = u;
  SCOPED_TRACE(std::string("transpose_a=") + (ta ? "true" : "false") + " transpose_b=" + (tb ? "true" : "false"));
  expect_ad(c);
  EXPECT_EQ(matmul(a_held, b_held, ta, tb).shape(), plain.shape());
}

}  // namespace

TEST(Matmul, TransposeFlagsReadTheOperandTransposedInEveryLayout) {
  for (const bool ta : {false, true})
    for (const bool tb : {false, true}) {
      check_layout({2, 3}, {3, 4}, ta, tb);
      check_layout({2, 2, 3}, {3, 2}, ta, tb);     // b broadcast over a's batch
      check_layout({1, 2, 3}, {3, 3, 2}, ta, tb);  // a's batch of one broadcast
    }
}

TEST(Matmul, TransposedInnerDimensionMismatchSaysWhichOperandIsTransposed) {
  expect_error_naming<ShapeError>(
      [] { matmul(t64(seq(6, 0, 1), {2, 3}), t64(seq(6, 0, 1), {2, 3}), /*transpose_a=*/false, false); },
      {"inner dimensions", "[2,3]"});
  expect_error_naming<ShapeError>(
      [] { matmul(t64(seq(6, 0, 1), {2, 3}), t64(seq(8, 0, 1), {4, 2}), /*transpose_a=*/true, false); },
      {"inner dimensions", "[2,3] (transposed)", "[4,2]"});
}

TEST(Matmul, TwoByThreeTimesThreeByTwo) {
  // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]; with upstream ones,
  // da = row sums of b per row, db = column sums of a per column.
  expect_ad({"matmul", {t64({1, 2, 3, 4, 5, 6}, {2, 3}), t64({7, 8, 9, 10, 11, 12}, {3, 2})}, {},
             {58, 64, 139, 154},
             {{{15, 19, 23, 15, 19, 23}}, {{5, 5, 7, 7, 9, 9}}}});
}

TEST(Matmul, UpstreamWeighted) { check({2, 3}, {3, 4}, {2, 4}); }

TEST(Matmul, BatchedSameBatch) { check({2, 2, 3}, {2, 3, 2}, {2, 2, 2}); }

TEST(Matmul, BatchBroadcastGradientsSumOverBatch) {
  check({2, 2, 3}, {3, 2}, {2, 2, 2});         // b has no batch: db sums over 2 batches
  check({1, 2, 3}, {3, 3, 2}, {3, 2, 2});      // a's batch 1 broadcast to 3
  check({2, 1, 2, 3}, {3, 3, 1}, {2, 3, 2, 1});  // [2,1] x [3] -> [2,3]
}

TEST(Matmul, EmptyInnerDimensionGivesZeros) {
  expect_ad({"matmul", {t64({}, {2, 0}), t64({}, {0, 3})}, {}, {0, 0, 0, 0, 0, 0},
             {std::vector<double>{}, std::vector<double>{}}});
}

TEST(Matmul, SecondOrderIsRecorded) {
  // d/da sum(a @ b) = ones @ bᵀ does not depend on a (None) but does on b:
  // Σ of it = m · Σ b, so d/db = m everywhere.
  const Tensor a = t64({1, 2, 3, 4, 5, 6}, {2, 3}), b = t64({1, -1, 2, 0.5, 3, 4}, {3, 2});
  GradientTape outer(/*persistent=*/true);
  Tensor da;
  {
    auto o = outer.recording();
    outer.watch(a);
    outer.watch(b);
    GradientTape inner;
    Tensor y;
    {
      auto i = inner.recording();
      inner.watch(a);
      y = matmul(a, b);
    }
    const std::size_t before = outer.recorded_ops();
    da = *inner.gradient(y, a);
    // TF's _MatMulGrad: one matmul per partial, reading an operand transposed; no transpose op.
    EXPECT_EQ(outer.recorded_ops() - before, 2u);
  }
  expect_values_near(da, {0, 2.5, 7, 0, 2.5, 7}, DType::f64, "da");
  EXPECT_FALSE(outer.gradient(da, a).has_value());
  const auto d2 = outer.gradient(da, b);
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {2, 2, 2, 2, 2, 2}, DType::f64, "d/db sum(da)");
}

TEST(Matmul, InnerDimensionMismatchNamesBothShapes) {
  expect_error_naming<ShapeError>([] { matmul(t64(seq(6, 0, 1), {2, 3}), t64(seq(20, 0, 1), {4, 5})); },
                                  {"matmul", "inner dimensions", "[2,3]", "[4,5]"});
}

TEST(Matmul, BatchMismatchAndRankAndDtypeErrors) {
  expect_error_naming<ShapeError>(
      [] { matmul(t64(seq(12, 0, 1), {2, 2, 3}), t64(seq(18, 0, 1), {3, 3, 2})); },
      {"[2,2,3]", "[3,3,2]"});
  expect_error_naming<ShapeError>([] { matmul(t64({1, 2, 3}, {3}), t64({1, 2, 3}, {3, 1})); },
                                  {"rank", "[3]", "[3,1]"});
  expect_error_naming<DTypeError>(
      [] { matmul(t64({1}, {1, 1}), Tensor::constant({1}, Shape{1, 1}, DType::f32)); },
      {"f64", "f32"});
}

}  // namespace tc::test
