#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/sort/sort.hpp"
#include "tests/engine/ops/nondiff/kernel_probe.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {
OpAttrs along(std::int64_t axis, bool descending = false) {
  OpAttrs a;
  a.axis = axis;
  a.descending = descending;
  return a;
}
}  // namespace

TEST(Argsort, PositionsAndNoGradient) {
  // {3, 1, 2} ascending: positions {1, 2, 0}; descending {0, 2, 1}. i32, gradient None.
  expect_ad({"argsort", {t64({3, 1, 2}, {3})}, along(0), {1, 2, 0}, {std::nullopt}});
  expect_ad({"argsort", {t64({3, 1, 2}, {3})}, along(-1, true), {0, 2, 1}, {std::nullopt}});
  EXPECT_EQ(argsort(t64({3, 1, 2}, {3})).dtype(), DType::i32);
}

TEST(Argsort, StableOnTiesAndAlongRows) {
  // Rows {2, 2, 1} and {0, 1, 0}: ascending {2, 0, 1} and {0, 2, 1}.
  EXPECT_EQ(argsort(t64({2, 2, 1, 0, 1, 0}, {2, 3}), 1).values(), (std::vector<double>{2, 0, 1, 0, 2, 1}));
}

TEST(Argsort, IntegersAndTheKernelsCarryNoDerivative) {
  EXPECT_EQ(argsort(Tensor::constant({3, -1}, Shape{2}, DType::i32)).values(), (std::vector<double>{1, 0}));
  const auto y = run_kernel<Dual>("argsort", {t64({0.5, 0.25}, {2})}, along(0));
  EXPECT_EQ(y[0].d, 0);
  EXPECT_EQ(y[0].v, 1);
  EXPECT_THROW(argsort(Tensor::constant({1}, Shape{1}, DType::boolean)), DTypeError);
}

}  // namespace tc::test
