#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/sort/sort.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {
OpAttrs k_of(std::int64_t k) {
  OpAttrs a;
  a.k = k;
  return a;
}
}  // namespace

TEST(TopK, ValuesAndGradientPerRow) {
  // Rows {1, 4, 3} and {6, 5, 0}, k = 2: {4, 3} and {6, 5}; the unpicked entries get 0.
  OpCase c{"top_k", {t64({1, 4, 3, 6, 5, 0}, {2, 3})}, k_of(2), {4, 3, 6, 5}, {{{0, 1, 2, 3, 4, 0}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4};
  expect_ad(c);
}

TEST(TopK, TiesGoToTheLowerIndexLikeTf) {
  // {5, 7, 5, 5}, k = 2: 7 then the 5 at index 0; the 5s at 2 and 3 get nothing.
  OpCase c{"top_k", {t64({5, 7, 5, 5}, {4})}, k_of(2), {7, 5}, {{{20, 10, 0, 0}}}};
  c.upstream = std::vector<double>{10, 20};
  expect_ad(c);
  Branches b;
  run_kernel<double>("top_k", {t64({5, 7, 5, 5}, {4})}, k_of(2), &b);
  EXPECT_EQ(b.sides, (std::vector<std::int32_t>{1, 0}));
}

TEST(TopK, KOutOfRangeRaises) {
  EXPECT_THROW(top_k(t64({1, 2}, {2}), 3), ShapeError);
  EXPECT_THROW(top_k(t64({1, 2}, {2}), 0), ShapeError);
}

}  // namespace tc::test
