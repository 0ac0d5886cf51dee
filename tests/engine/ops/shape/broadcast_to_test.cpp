#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/shape/shape.hpp"
#include "tests/engine/ops/shape/shape_test_util.hpp"

namespace tc::test {

TEST(BroadcastTo, ReplicatesAndGradientSumsOverCopies) {
  // [3,1] -> [2,3,4]: every element is copied 2·4 = 8 times, so d sum(y) / dx = 8.
  OpAttrs a;
  a.shape = {2, 3, 4};
  std::vector<double> y;
  for (int i = 0; i < 2; ++i)
    for (double v : {1.0, 2.0, 3.0})
      for (int k = 0; k < 4; ++k) y.push_back(v);
  expect_ad({"broadcast_to", {t64({1, 2, 3}, {3, 1})}, a, y, {{{8, 8, 8}}}});
}

TEST(BroadcastTo, UpstreamIsSummedPerSourceElement) {
  // [2] -> [3,2]: dx_j = Σ_i U[i, j].
  OpAttrs a;
  a.shape = {3, 2};
  OpCase c{"broadcast_to", {t64({5, 7}, {2})}, a, {5, 7, 5, 7, 5, 7}, {{{1 + 3 + 5, 2 + 4 + 6}}}};
  c.upstream = std::vector<double>{1, 2, 3, 4, 5, 6};
  expect_ad(c);
}

TEST(BroadcastTo, IncompatibleTargetNamesBothShapes) {
  expect_error_naming<ShapeError>([] { broadcast_to(t64({1, 2, 3}, {3}), {2, 4}); },
                                  {"[3]", "[2,4]"});
}

}  // namespace tc::test
