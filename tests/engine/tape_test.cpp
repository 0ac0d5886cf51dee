// engine/tape.cpp: a tape pauses itself while it runs its own backward pass (R10) and the
// pause ends however gradient() ends — a VJP that throws included — so ops computed later are
// explained for what they are (outside the recording), not as paused; the gradients gradient()
// releases on its way never include a source's.
// A value reached along several paths gets one add_n of their gradients (summed on the way
// past 64 paths), and second order runs through it. An input watched after its op ran is
// reached through it.
#include "engine/tape.hpp"

#include <gtest/gtest.h>

#include "engine/core/errors.hpp"
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/op_rows.hpp"
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

// An op is recorded when one input is tracked; a constant input watched only after the op
// ran is reached through it all the same (TF records every input of a recorded op). The
// backward pass finds a tracked input's slot where the op's entry noted it, and looks this one
// up again; an input never watched gets nothing.
TEST(Tape, AnInputWatchedAfterItsOpRanIsReachedThroughThatOp) {
  const Tensor w = Tensor::scalar(3.0), late = Tensor::scalar(2.0), never = Tensor::scalar(5.0);
  GradientTape tape(/*persistent=*/true);
  Tensor y;
  {
    auto recording = tape.recording();
    tape.watch(w);
    y = mul(mul(late, w), never);
    tape.watch(late);
  }
  const Gradients g = tape.gradient(y, {late, w, never});
  ASSERT_TRUE(g[0] && g[1]);
  EXPECT_DOUBLE_EQ(g[0]->item(), 15.0);
  EXPECT_DOUBLE_EQ(g[1]->item(), 10.0);
  EXPECT_FALSE(g[2]);
}

// y = Σ_k c_k · x for `paths` constants c_k = k + 1: x is reached along `paths` paths.
Tensor fan_out(const Tensor& x, int paths) {
  Tensor y = mul(x, Tensor::scalar(1));
  for (int k = 1; k < paths; ++k) y = add(y, mul(x, Tensor::scalar(k + 1)));
  return y;
}

// d fan_out(x, paths) / dx at x0, by a tape.
std::optional<Tensor> fan_out_gradient(double x0, int paths) {
  const Tensor x = Tensor::scalar(x0);
  GradientTape tape;
  Tensor y;
  {
    auto recording = tape.recording();
    tape.watch(x);
    y = fan_out(x, paths);
  }
  return tape.gradient(y, {x})[0];
}

TEST(Tape, AValuesFanOutIsSummedByOneAddNInTheOrderItsPathsWereReached) {
  const std::optional<Tensor> g = fan_out_gradient(0.5, 3);
  ASSERT_TRUE(g);
  EXPECT_DOUBLE_EQ(g->item(), 1 + 2 + 3);
  const TensorImpl& sum = *g->impl();
  EXPECT_EQ(sum.op, &op_add_n);  // one op for three paths, not two adds
  ASSERT_EQ(sum.inputs.size(), 3u);
  // Newest path first: the backward pass walks the tape from its end.
  EXPECT_DOUBLE_EQ(sum.inputs[0][0], 3);
  EXPECT_DOUBLE_EQ(sum.inputs[2][0], 1);
}

TEST(Tape, AValueReachedAlongVeryManyPathsIsSummedOnTheWay) {
  const std::optional<Tensor> g = fan_out_gradient(1, 150);
  ASSERT_TRUE(g);
  EXPECT_DOUBLE_EQ(g->item(), 150.0 * 151 / 2);
  // 150 = 64 + 63 + 23: two partial sums of 64 parts on the way, each the next one's first.
  const TensorImpl& sum = *g->impl();
  EXPECT_EQ(sum.op, &op_add_n);
  EXPECT_EQ(sum.inputs.size(), 24u);
  EXPECT_EQ(sum.inputs[0].impl()->op, &op_add_n);
  EXPECT_EQ(sum.inputs[0].impl()->inputs.size(), 64u);
}

TEST(Tape, SecondOrderRunsThroughTheAggregation) {
  const Tensor x = Tensor::scalar(0.5);
  GradientTape outer, inner;
  Tensor dy;
  {
    auto outer_recording = outer.recording();
    outer.watch(x);
    {
      auto inner_recording = inner.recording();
      inner.watch(x);
      const Tensor y = add(mul(x, x), mul(x, mul(x, x)));  // x² + x³, x reached along 5 paths
      dy = *inner.gradient(y, {x})[0];                   // 2x + 3x²
    }
  }
  EXPECT_DOUBLE_EQ(dy.item(), 2 * 0.5 + 3 * 0.25);
  const Gradients d2 = outer.gradient(dy, {x});  // 2 + 6x
  ASSERT_TRUE(d2[0]);
  EXPECT_DOUBLE_EQ(d2[0]->item(), 2 + 6 * 0.5);
}

}  // namespace
}  // namespace tc
