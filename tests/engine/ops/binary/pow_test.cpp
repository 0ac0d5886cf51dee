#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/tape.hpp"
#include "tests/support/expect_ad.hpp"

namespace tc::test {

TEST(Pow, ValuesAndGradients) {
  const std::vector<double> a{0.5, 1.5, 2.5}, b{2.0, -1.3, 0.7};
  std::vector<double> y, da, db;
  for (std::size_t i = 0; i < a.size(); ++i) {
    y.push_back(std::pow(a[i], b[i]));
    da.push_back(b[i] * std::pow(a[i], b[i] - 1));
    db.push_back(std::pow(a[i], b[i]) * std::log(a[i]));
  }
  expect_ad({"pow", {t64(a, {3}), t64(b, {3})}, {}, y, {da, db}});
}

TEST(Pow, ScalarExponentBroadcast) {
  // [2,2] ^ [] : b's gradient sums a^b ln a over all four elements.
  const std::vector<double> a{0.3, 1.0, 2.0, 2.9};
  const double b = 1.7;
  std::vector<double> y, da;
  double db = 0;
  for (double x : a) {
    y.push_back(std::pow(x, b));
    da.push_back(b * std::pow(x, b - 1));
    db += std::pow(x, b) * std::log(x);
  }
  expect_ad({"pow", {t64(a, {2, 2}), scalar64(b)}, {}, y, {da, {{db}}}});
}

TEST(Pow, BaseBroadcastAlongRows) {
  // [2,1] ^ [1,3] -> [2,3]; a's gradient sums along the row, b's along the column.
  const std::vector<double> a{0.8, 2.2}, b{-0.5, 1.0, 3.0};
  std::vector<double> y, da(2, 0.0), db(3, 0.0);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      y.push_back(std::pow(a[i], b[j]));
      da[i] += b[j] * std::pow(a[i], b[j] - 1);
      db[j] += std::pow(a[i], b[j]) * std::log(a[i]);
    }
  expect_ad({"pow", {t64(a, {2, 1}), t64(b, {1, 3})}, {}, y, {da, db}});
}

TEST(Pow, ExponentGradientIsZeroAtZeroBaseAsTF) {
  // At a = 0 the forward's dual/complex extension has ln 0, so expect_ad's forward-mode
  // checks do not apply; the tape follows TF: d/db = 0 where a <= 0, d/da = b·0^(b-1).
  const Tensor a = t64({0.0, 0.0}, {2}), b = t64({2.0, 1.0}, {2});
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(a);
    tape.watch(b);
    y = pow(a, b);
  }
  const Gradients g = tape.gradient(y, {a, b});
  ASSERT_TRUE(g[0] && g[1]);
  EXPECT_EQ((*g[0])[0], 0.0);  // 2·0^1
  EXPECT_EQ((*g[0])[1], 1.0);  // 1·0^0
  EXPECT_EQ((*g[1])[0], 0.0);
  EXPECT_EQ((*g[1])[1], 0.0);
}

TEST(Pow, SecondDerivativeThroughTheTape) {
  // d²/da² a^b = b(b-1) a^(b-2).
  const double av = 1.3, bv = 2.5;
  const Tensor a = scalar64(av), b = scalar64(bv);
  GradientTape outer;
  Tensor da;
  {
    auto ro = outer.recording();
    outer.watch(a);
    GradientTape inner;
    Tensor y;
    {
      auto ri = inner.recording();
      inner.watch(a);
      y = pow(a, b);
    }
    da = *inner.gradient(y, a);
  }
  const auto d2 = outer.gradient(da, a);
  ASSERT_TRUE(d2);
  EXPECT_NEAR(d2->item(), bv * (bv - 1) * std::pow(av, bv - 2), 1e-12);
}

TEST(Pow, MixedDtypesRaise) {
  try {
    pow(t64({1, 2}, {2}), Tensor::constant({1, 2}, Shape{2}, DType::f32));
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("pow"), std::string::npos) << e.what();
  }
}

}  // namespace tc::test
