// S4: a trainable=false variable → None unless explicitly watched.
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(S04NonTrainableVariable, NoneUnlessWatched) {
  Variable frozen(sc(3), /*trainable=*/false, "frozen");
  for (bool watch : {false, true}) {
    GradientTape tape;
    Tensor loss;
    {
      auto rec = tape.recording();
      if (watch) tape.watch(frozen);
      loss = frozen * frozen;
    }
    const Gradients g = tape.gradient(loss, {frozen});
    if (watch) {
      expect_tensor(g[0], {6}, Shape{}, DType::f64);
    } else {
      EXPECT_NONE(g[0]);
      EXPECT_TRUE(contains(g.why[0]->sentence(), "'frozen' is not watched (it is a Variable with "
                                                 "trainable=false; call tape.watch() on it)"))
          << g.why[0]->sentence();
    }
  }
}

}  // namespace tc::test
