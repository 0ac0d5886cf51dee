#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceAll, RowsAndAll) {
  const Tensor b = Tensor::constant({1, 1, 0, 1}, Shape{2, 2}, DType::boolean);
  EXPECT_EQ(reduce_all(b, {1}).values(), (std::vector<double>{1, 0}));
  EXPECT_EQ(reduce_all(b).values(), (std::vector<double>{0}));
  expect_ad({"reduce_all", {b}, {}, {0}, {std::nullopt}});
}

TEST(ReduceAll, EmptyGroupIsTrueAndBadAxisRaises) {
  EXPECT_EQ(reduce_all(Tensor::constant({}, Shape{0}, DType::boolean)).values(), (std::vector<double>{1}));
  EXPECT_THROW(reduce_all(Tensor::constant({1}, Shape{1}, DType::boolean), {2}), ShapeError);
}

}  // namespace tc::test
