// R1: a tape records only ops executed while it is recording.
#include "tests/semantics/semantics_test_util.hpp"

namespace tc::test {

TEST(R1RecordingScope, OpsInsideTheScopeAreRecorded) {
  Tensor x = sc(3);
  GradientTape tape;
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  expect_tensor(tape.gradient(y, x), {6}, Shape{}, DType::f64);
}

TEST(R1RecordingScope, ValueComputedBeforeTheTapeStartedIsAConstant) {
  Tensor x = sc(3);
  Tensor y = x * x;  // before the tape
  GradientTape tape;
  Tensor z;
  {
    auto rec = tape.recording();
    tape.watch(x);
    z = y * sc(2);
  }
  const Gradients g = tape.gradient(z, {x});
  EXPECT_NONE(g[0]);
  ASSERT_TRUE(g.why[0].has_value());
  EXPECT_EQ(g.why[0]->reason, NoneReason::cut);
  ASSERT_EQ(g.why[0]->cuts.size(), 1u);
  EXPECT_EQ(g.why[0]->cuts[0].rule, CutRule::outside_recording);
}

TEST(R1RecordingScope, ValueComputedAfterTheTapeStoppedIsNotRecorded) {
  Tensor x = sc(3);
  GradientTape tape(/*persistent=*/true);
  Tensor y;
  {
    auto rec = tape.recording();
    tape.watch(x);
    y = x * x;
  }
  Tensor after = y * sc(2);  // the tape has stopped
  EXPECT_TRUE(tape.gradient(y, x).has_value());
  EXPECT_NONE(tape.gradient(after, x));
  EXPECT_EQ(tape.explain(after, x).cuts.at(0).rule, CutRule::outside_recording);
}

TEST(R1RecordingScope, StopRecordingBlockIsNotRecorded) {
  Tensor x = sc(3);
  GradientTape tape(true);
  Tensor y, z;
  {
    auto rec = tape.recording();
    tape.watch(x);
    {
      auto pause = tape.stop_recording();
      y = x * x;
    }
    z = x * x;
  }
  EXPECT_NONE(tape.gradient(y, x));
  EXPECT_EQ(tape.explain(y, x).cuts.at(0).rule, CutRule::stop_recording);
  expect_tensor(tape.gradient(z, x), {6}, Shape{}, DType::f64);
}

}  // namespace tc::test
