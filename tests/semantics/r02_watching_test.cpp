// R2: trainable variables read while recording are watched automatically; everything else
// only by an explicit watch().
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R2Watching, TrainableVariableReadWhileRecordingIsWatched) {
  Variable w(sc(2), /*trainable=*/true, "w");
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    y = w * w;
  }
  expect_tensor(tape.gradient(y, w), {4}, Shape{}, DType::f64);
}

TEST(R2Watching, NonTrainableVariableIsNoneUnlessWatched) {
  Variable v(sc(2), /*trainable=*/false, "v");
  GradientTape t1, t2;
  Tensor y1, y2;
  {
    auto rec = t1.recording();
    y1 = v * v;
  }
  {
    auto rec = t2.recording();
    t2.watch(v);
    y2 = v * v;
  }
  const Gradients g = t1.gradient(y1, {v});
  EXPECT_NONE(g[0]);
  EXPECT_EQ(g.why[0]->reason, NoneReason::not_watched);
  EXPECT_TRUE(contains(g.why[0]->sentence(), "trainable=false")) << g.why[0]->sentence();
  expect_tensor(t2.gradient(y2, v), {4}, Shape{}, DType::f64);
}

TEST(R2Watching, PlainTensorIsNoneUnlessWatched) {
  Tensor x = sc(2);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    y = x * x;
  }
  const Gradients g = tape.gradient(y, {x});
  EXPECT_NONE(g[0]);
  EXPECT_TRUE(contains(g.why[0]->sentence(), "tape.watch")) << g.why[0]->sentence();
}

TEST(R2Watching, WatchAccessedVariablesFalseDisablesAutoWatch) {
  Variable w(sc(2), true, "w");
  GradientTape tape(/*persistent=*/false, /*watch_accessed_variables=*/false);
  Tensor y;
  {
    auto rec = tape.recording();
    y = w * w;
  }
  const Gradients g = tape.gradient(y, {w});
  EXPECT_NONE(g[0]);
  EXPECT_TRUE(contains(g.why[0]->sentence(), "watch_accessed_variables=false")) << g.why[0]->sentence();
}

TEST(R2Watching, VariableReadBeforeRecordingIsNotWatchedByThatRead) {
  Variable w(sc(2), true, "w");
  Tensor early = w;  // read outside any tape
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    y = early * early;
  }
  EXPECT_NONE(tape.gradient(y, w));
}

TEST(R2Watching, GradientFollowsTheVariableAcrossAssignments) {
  Variable w(sc(2), true, "w");
  w.assign(sc(5));
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    y = w * w;
  }
  expect_tensor(tape.gradient(y, w), {10}, Shape{}, DType::f64);
}

}  // namespace tc::test
