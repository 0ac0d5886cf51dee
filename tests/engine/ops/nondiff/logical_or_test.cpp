#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {
namespace {
Tensor tb(std::vector<double> v, std::vector<std::int64_t> shape) {
  return Tensor::constant(std::move(v), Shape(shape), DType::boolean);
}
}  // namespace

TEST(LogicalOr, TruthTable) {
  expect_ad({"logical_or", {tb({0, 0, 1, 1}, {4}), tb({0, 1, 0, 1}, {4})}, {}, {0, 1, 1, 1},
             {std::nullopt, std::nullopt}});
}

TEST(LogicalOr, BroadcastsAndGivesBool) {
  const Tensor y = logical_or(tb({1, 0}, {2, 1}), tb({1, 0, 1}, {1, 3}));
  EXPECT_EQ(y.dtype(), DType::boolean);
  EXPECT_EQ(y.shape(), (Shape{2, 3}));
  EXPECT_EQ(y.values(), (std::vector<double>{1, 1, 1, 1, 0, 1}));
}

TEST(LogicalOr, NonBoolInputIsADtypeError) {
  try {
    logical_or(tb({1}, {1}), t64({1}, {1}));
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("logical_or"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("f64"), std::string::npos) << e.what();
  }
  EXPECT_THROW(logical_or(Tensor::constant({1}, Shape{1}, DType::i32), tb({1}, {1})), DTypeError);
}

TEST(LogicalOr, BadShapesRaiseWithBothShapes) {
  try {
    logical_or(tb({1, 0, 1}, {3}), tb({1, 0}, {2}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2]"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
