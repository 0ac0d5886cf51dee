// S8: a value taken out of the graph (like .numpy()) and back in → None, "no path".
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S08ValueOutOfGraphAndBack, NoneWithNoPath) {
  Variable w(vec({1, 2}), true, "w");
  GradientTape tape;
  Tensor loss;
  {
    auto rec = tape.recording();
    Tensor h = w * sc(2);
    std::vector<double> host = h.values();           // out of the graph
    Tensor back = Tensor::constant(host, h.shape());  // and back in: a new constant
    loss = reduce_sum(back * back);
  }
  const Gradients g = tape.gradient(loss, {w});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::no_path);
  EXPECT_TRUE(contains(g.why[0]->sentence(), "taken out of the graph")) << g.why[0]->sentence();
}

}  // namespace tc::test
