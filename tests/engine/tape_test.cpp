// engine/tape.cpp: a tape pauses itself while it runs its own backward pass (R10) and the
// pause ends however gradient() ends — a VJP that throws included — so ops computed later are
// explained for what they are (outside the recording), not as paused; the gradients gradient()
// releases on its way never include a source's.
#include "engine/tape.hpp"

#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/tensor.hpp"

namespace tc {
namespace {

TensorSpec same_spec(const OpAttrs&, const TensorSpec* in, int) { return in[0]; }
template <class S>
void identity(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  kernel::unary(in[0], out, [](S x) { return x; });
}
void throwing_vjp(const VjpArgs&, std::optional<Tensor>*) { throw Error("this VJP is broken"); }

// An identity whose VJP throws: a broken op a tape may meet.
const OpDef kBrokenVjp = OpRow("broken_vjp", "test").input(OpInput("x")).rules(&same_spec, TC_FORWARDS(identity), &throwing_vjp);

// The cut an explanation names for `late`, computed after the record block.
CutRule cut_of_late_op(GradientTape& tape, const Tensor& x, const Tensor& late) {
  const Explanation e = tape.explain(late, x);
  EXPECT_EQ(e.reason, NoneReason::cut) << e.sentence();
  return e.cuts.empty() ? CutRule::non_differentiable : e.cuts[0].rule;
}

TEST(Tape, AThrowingVjpDoesNotLeaveTheTapePaused) {
  const Tensor x = Tensor::scalar(0.5);
  GradientTape tape(/*persistent=*/true);
  {
    auto recording = tape.recording();
    tape.watch(x);
    const Tensor y = apply_op(kBrokenVjp, {x});
    EXPECT_THROW(tape.gradient(y, {x}), Error);
    EXPECT_TRUE(tape.is_recording());  // its own pause is over
  }
  const Tensor late = mul(x, x);
  EXPECT_EQ(cut_of_late_op(tape, x, late), CutRule::outside_recording);
}

TEST(Tape, AGradientInsideStopRecordingEndsBothPausesInOrder) {
  const Tensor x = Tensor::scalar(0.5);
  GradientTape tape(/*persistent=*/true);
  {
    auto recording = tape.recording();
    tape.watch(x);
    const Tensor y = mul(x, x);
    {
      auto paused = tape.stop_recording();
      EXPECT_TRUE(tape.gradient(y, {x})[0].has_value());
      const Tensor during = mul(x, x);
      EXPECT_EQ(cut_of_late_op(tape, x, during), CutRule::stop_recording);
    }
    EXPECT_TRUE(tape.is_recording());
  }
  const Tensor late = mul(x, x);
  EXPECT_EQ(cut_of_late_op(tape, x, late), CutRule::outside_recording);
}

// gradient() lets go of a node's gradient once the node's VJP has run, except for sources:
// an op output asked for as a source, also an input of later ops, and the target itself keep
// theirs. h = x·x, y = h·h: dy/dh = 2h, dy/dx = 4x³, dy/dy = 1. A persistent tape's second call
// walks again from scratch and gives the same values.
TEST(Tape, SourcesThatAreOpOutputsOrTheTargetKeepTheirGradients) {
  const Tensor x = Tensor::scalar(1.5);
  GradientTape tape(/*persistent=*/true);
  Tensor h, y;
  {
    auto recording = tape.recording();
    tape.watch(x);
    h = mul(x, x);
    y = mul(h, h);
  }
  for (int call = 0; call < 2; ++call) {
    const Gradients g = tape.gradient(y, {h, x, y});
    ASSERT_TRUE(g[0] && g[1] && g[2]) << "call " << call;
    EXPECT_DOUBLE_EQ(g[0]->item(), 2 * 2.25) << "call " << call;
    EXPECT_DOUBLE_EQ(g[1]->item(), 4 * 1.5 * 1.5 * 1.5) << "call " << call;
    EXPECT_DOUBLE_EQ(g[2]->item(), 1.0) << "call " << call;
  }
}

}  // namespace
}  // namespace tc
