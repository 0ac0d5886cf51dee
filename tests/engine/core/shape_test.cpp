#include "engine/core/shape.hpp"

#include <gtest/gtest.h>

#include "engine/core/errors.hpp"

namespace tc {
namespace {

TEST(Shape, NumelMultipliesTheDimensions) {
  EXPECT_EQ(Shape{}.numel(), 1);
  EXPECT_EQ((Shape{2, 3, 4}).numel(), 24);
  EXPECT_EQ((Shape{5, 0, 7}).numel(), 0);
}

TEST(Shape, NumelSaturatesInsteadOfOverflowing) {
  const std::int64_t big = std::int64_t{1} << 40;
  const std::int64_t saturated = std::int64_t{1} << 62;
  EXPECT_EQ((Shape{big, big}).numel(), saturated);          // 2^80 overflows int64
  EXPECT_EQ((Shape{big, 1 << 22, 2}).numel(), saturated);   // 2^63 overflows int64
  EXPECT_EQ((Shape{big, 1 << 21, 2}).numel(), saturated);   // exactly 2^62
  EXPECT_EQ((Shape{big, 1 << 21}).numel(), std::int64_t{1} << 61);
  EXPECT_THROW(check_element_cap(Shape{big, big}, "op"), LimitError);
}

TEST(Shape, PrefixKeepsTheLeadingDimensions) {
  EXPECT_EQ((Shape{2, 3, 4}).prefix(1), (Shape{2}));
  EXPECT_EQ((Shape{2, 3, 4}).prefix(0), Shape{});
  EXPECT_EQ((Shape{2, 3}).prefix(2), (Shape{2, 3}));
}

TEST(Shape, BroadcastsTrailingDimensions) {
  EXPECT_EQ(broadcast_shapes(Shape{2, 3}, Shape{2, 3}, "op"), (Shape{2, 3}));
  EXPECT_EQ(broadcast_shapes(Shape{4, 1, 3}, Shape{5, 1}, "op"), (Shape{4, 5, 3}));
  EXPECT_EQ(broadcast_shapes(Shape{}, Shape{2, 2}, "op"), (Shape{2, 2}));
  EXPECT_EQ(broadcast_shapes(Shape{3}, Shape{2, 1}, "op"), (Shape{2, 3}));
}

TEST(Shape, IncompatibleBroadcastNamesTheOpAndBothShapes) {
  try {
    broadcast_shapes(Shape{2, 3}, Shape{4}, "mul");
    FAIL() << "no ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_STREQ(e.what(), "mul: incompatible shapes [2,3] and [4] for broadcasting");
  }
}

}  // namespace
}  // namespace tc
