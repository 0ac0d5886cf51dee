#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/op_table.hpp"
#include "engine/ops/select/select.hpp"
#include "engine/ops/unary/unary.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(Where, GradientGoesToTheTakenOperandAndCondGetsNone) {
  expect_ad({"where", {boolean({1, 0, 1}, {3}), t64({1, 2, 3}, {3}), t64({10, 20, 30}, {3})}, {},
             {1, 20, 3}, {std::nullopt, {{1, 0, 1}}, {{0, 1, 0}}}});
}

TEST(Where, AllThreeBroadcastAndGradientsAreUnbroadcast) {
  // cond [2,1] = [[true],[false]], a [3], b scalar -> [2,3]: row 0 from a, row 1 from b.
  // da_j = U[0, j]; db = Σ U[1, :].
  OpCase c{"where", {boolean({1, 0}, {2, 1}), t64({1, 2, 3}, {3}), scalar64(7)}, {},
           {1, 2, 3, 7, 7, 7}, {std::nullopt, {{1, 2, 3}}, {{4 + 5 + 6}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6};
  expect_ad(c);
  EXPECT_EQ(where(boolean({1, 0}, {2, 1}), t64({1, 2, 3}, {3}), scalar64(7)).shape(),
            (Shape{2, 3}));
}

TEST(Where, UntakenOperandGetsZerosNotNone) {
  expect_ad({"where", {boolean({1, 1}, {2}), t64({1, 2}, {2}), t64({3, 4}, {2})}, {}, {1, 2},
             {std::nullopt, {{1, 1}}, {{0, 0}}}});
}

TEST(Where, RecordsTheConditionInBranches) {
  const OpDef& op = get_op("where");
  const std::vector<double> cond{1, 0, 0, 1}, a{1, 2, 3, 4}, b{5, 6, 7, 8};
  const TensorSpec sc{DType::boolean, Shape{4}}, sf{DType::f64, Shape{4}};
  const In<double> in[3] = {{cond.data(), sc}, {a.data(), sf}, {b.data(), sf}};
  std::vector<double> y(4);
  Branches br;
  op.forward_f64({}, in, 3, {y.data(), sf}, &br);
  EXPECT_EQ(br.sides, (std::vector<std::int32_t>{1, 0, 0, 1}));
  EXPECT_EQ(y, (std::vector<double>{1, 6, 7, 4}));
}

TEST(Where, NanInTheUntakenBranchGradientLeaksAsInTf) {
  // y = where(true, x, log(x)) at x = 0: the value is 0 (log(0) = -inf is not selected), but
  // log's VJP gets a zero upstream and computes 0 / 0 = NaN, which is added to x's gradient.
  // Documented TF behaviour (SEMANTICS "NaN/Inf"), not a bug.
  const Tensor x = t64({0}, {1});
  GradientTape tape;
  Tensor y;
  {
    auto r = tape.recording();
    tape.watch(x);
    y = where(boolean({1}, {1}), x, log(x));
  }
  EXPECT_EQ(y[0], 0.0);
  const auto g = tape.gradient(y, x);
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE(std::isnan((*g)[0])) << to_string(*g);
}

TEST(Where, SecondOrder) {
  // d/da sum(where(c, a², a)) = where(c, 2a, 1); second derivative where(c, 2, 0).
  const Tensor c = boolean({1, 0, 1}, {3});
  const auto [d1, d2] = second_order(t64({1, 2, 3}, {3}),
                                     [&](const Tensor& a) { return where(c, a * a, a); });
  expect_values_near(d1, {2, 1, 6}, DType::f64, "first");
  ASSERT_TRUE(d2.has_value());
  expect_values_near(*d2, {2, 0, 2}, DType::f64, "second");
}

TEST(Where, Errors) {
  expect_error_naming<ShapeError>(
      [] { where(boolean({1, 0, 1}, {3}), t64({1, 2, 3}, {3}), t64({1, 2}, {2})); },
      {"[3]", "[2]"});
  expect_error_naming<ShapeError>(
      [] { where(boolean({1, 0, 1, 1}, {4}), t64({1, 2, 3}, {3}), t64({1, 2, 3}, {3})); },
      {"[4]", "[3]"});
  expect_error_naming<DTypeError>(
      [] { where(t64({1}, {1}), t64({1}, {1}), t64({2}, {1})); }, {"cond", "f64", "bool"});
  expect_error_naming<DTypeError>(
      [] { where(boolean({1}, {1}), t64({1}, {1}), Tensor::constant({2}, Shape{1}, DType::f32)); },
      {"f64", "f32"});
}

}  // namespace tc::test
