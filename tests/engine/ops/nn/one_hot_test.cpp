#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nn/nn.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(OneHot, RowsOfZerosOutOfRangeAndNoGradient) {
  OpCase c{"one_hot", {i32({0, 2, -1, 3}, {2, 2})}, {}, {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, {std::nullopt}};
  c.attrs.depth = 3;
  c.attrs.dtype = DType::f64;
  expect_ad(c);
  EXPECT_EQ(one_hot(i32({1}, {1}), 3).shape(), (Shape{1, 3}));
  EXPECT_EQ(one_hot(i32({1}, {1}), 3).dtype(), DType::f32);
}

TEST(OneHot, FloatIndicesRaise) {
  expect_error_naming<DTypeError>([] { one_hot(t64({1}, {1}), 2); }, {"one_hot", "i32"});
}

}  // namespace tc::test
