#include "engine/core/broadcast_axes.hpp"

#include <gtest/gtest.h>

namespace tc {
namespace {

TEST(BroadcastAxes, AreTheLeadingOnesAndTheOnesWhereTheOperandHasOne) {
  EXPECT_EQ(broadcast_axes(Shape{2, 3}, Shape{2, 3}), (std::vector<int>{}));
  EXPECT_EQ(broadcast_axes(Shape{5, 1}, Shape{4, 5, 3}), (std::vector<int>{0, 2}));
  EXPECT_EQ(broadcast_axes(Shape{}, Shape{2, 2}), (std::vector<int>{0, 1}));
  EXPECT_EQ(broadcast_axes(Shape{1, 1}, Shape{1, 1}), (std::vector<int>{}));  // 1 against 1: none
  // Against a shape of lower rank, the operand's extra leading axes are not `to`'s.
  EXPECT_EQ(broadcast_axes(Shape{2, 1}, Shape{3}), (std::vector<int>{0}));
}

}  // namespace
}  // namespace tc
