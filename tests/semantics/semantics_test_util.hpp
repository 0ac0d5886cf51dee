// Shared by the semantics tests: small constructors and the None/zeros assertions.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "engine/api.hpp"

namespace tc::test {

inline Tensor vec(std::vector<double> v, DType d = DType::f64) {
  const auto n = static_cast<std::int64_t>(v.size());
  return Tensor::constant(std::move(v), Shape{n}, d);
}
inline Tensor sc(double v, DType d = DType::f64) { return Tensor::scalar(v, d); }

// None means "no value": never a zero tensor.
#define EXPECT_NONE(opt) \
  EXPECT_FALSE((opt).has_value()) << #opt " should be None, got " << to_string(*(opt))

inline void expect_tensor(const std::optional<Tensor>& t, const std::vector<double>& values,
                          const Shape& shape, DType dtype) {
  ASSERT_TRUE(t.has_value()) << "expected a value, got None";
  EXPECT_EQ(t->shape(), shape);
  EXPECT_EQ(t->dtype(), dtype);
  ASSERT_EQ(t->numel(), static_cast<std::int64_t>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_NEAR((*t)[static_cast<std::int64_t>(i)], values[i], 1e-12 * (1 + std::abs(values[i])))
        << "element " << i;
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace tc::test
