#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(LogicalNot, ValuesAndNoGradient) {
  const Tensor x = Tensor::constant({0, 1, 1}, Shape{3}, DType::boolean);
  expect_ad({"logical_not", {x}, {}, {1, 0, 0}, {std::nullopt}});
  EXPECT_EQ(logical_not(x).dtype(), DType::boolean);
}

TEST(LogicalNot, NonBoolInputIsADtypeError) {
  try {
    logical_not(t64({0, 1}, {2}));
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("logical_not"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("f64"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
