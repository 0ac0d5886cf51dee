#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/reduce/reduce.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(ReduceAny, RowsAndAll) {
  const Tensor b = Tensor::constant({0, 1, 0, 0}, Shape{2, 2}, DType::boolean);
  EXPECT_EQ(reduce_any(b, {1}).values(), (std::vector<double>{1, 0}));
  EXPECT_EQ(reduce_any(b).values(), (std::vector<double>{1}));
  EXPECT_EQ(reduce_any(b, {0}, true).shape(), (Shape{1, 2}));
  EXPECT_EQ(reduce_any(b).dtype(), DType::boolean);
  expect_ad({"reduce_any", {b}, {}, {1}, {std::nullopt}});
}

TEST(ReduceAny, EmptyGroupIsFalseAndFloatInputIsADtypeError) {
  EXPECT_EQ(reduce_any(Tensor::constant({}, Shape{0}, DType::boolean)).values(), (std::vector<double>{0}));
  EXPECT_THROW(reduce_any(t64({1}, {1})), DTypeError);
}

}  // namespace tc::test
