// oracles/rounding_probe.hpp: the jitter that simulates rounding, and the probe that measures
// how much an f32 graph's rounding moves its derivative (and that an f64 graph's barely does).
#include "oracles/rounding_probe.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "graph/tcg.hpp"
#include "oracles/evaluate.hpp"
#include "tests/eut/ir_builder.hpp"

namespace tc::oracles {
namespace {

using namespace tc::test::ir;  // NOLINT

graph::Graph chain(DType dtype) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{4}, {0.3, -0.7, 1.1, 2.0}, true, dtype)};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%a", "sin", {"%x"}), op("%b", "exp", {"%a"}), op("%c", "mul", {"%b", "%a"}),
                         op("%l", "reduce_sum", {"%c"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  return g;
}

TEST(RoundingProbe, JitterMultipliesEveryFloatingResultByItsOwnFactors) {
  const graph::Graph g = chain(DType::f64);
  const std::map<std::string, TensorSpec> specs = evaluate<double>(g, {{"%x", {0.3, -0.7, 1.1, 2.0}}}, false).specs;
  graph::Block body = g.body;
  std::vector<graph::Input> extra, again;
  jitter_block(body, specs, 1e-3, 42, extra);
  graph::Block body2 = g.body;
  jitter_block(body2, specs, 1e-3, 42, again);
  ASSERT_EQ(extra.size(), 4u);  // %a %b %c %l
  for (std::size_t i = 0; i < extra.size(); ++i) {
    EXPECT_EQ(extra[i].init.values, again[i].init.values);  // seeded
    for (double v : extra[i].init.values) {
      EXPECT_LE(std::abs(v - 1), 1e-3);
      EXPECT_NE(v, 1.0);
    }
  }
  EXPECT_EQ(extra[0].name, "%~jit%a");
  // Inside the record block: %a~raw = sin %x; %a = mul %a~raw %~jit%a; ...
  const graph::Block& inside = std::get<graph::Record>(body[0].node).body;
  ASSERT_EQ(inside.size(), 8u);
  const auto& raw = std::get<graph::OpStmt>(inside[0].node);
  const auto& scaled = std::get<graph::OpStmt>(inside[1].node);
  EXPECT_EQ(raw.result, "%a~raw");
  EXPECT_EQ(raw.op, "sin");
  EXPECT_EQ(scaled.result, "%a");
  EXPECT_EQ(scaled.op, "mul");
  EXPECT_EQ(scaled.operands, (std::vector<std::string>{"%a~raw", "%~jit%a"}));
}

TEST(RoundingProbe, F32GraphsShowRoundingF64GraphsLittle) {
  RoundingProbe f32, f64;
  for (DType d : {DType::f32, DType::f64}) {
    const Objective o = make_objective(chain(d), {}, 0);
    ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
    (d == DType::f32 ? f32 : f64) = rounding_sensitivity(o, {nullptr}, 7, 1);
  }
  ASSERT_EQ(f32.relative.size(), 1u);
  EXPECT_GT(f32.relative[0], 1e-9);  // f32 roundings (2^-24) move the JVP
  EXPECT_LT(f32.relative[0], 1e-4);
  EXPECT_LT(f64.relative[0], 1e-13);
  EXPECT_GT(f32.observed(0, 1.0, 1.0), f64.observed(0, 1.0, 1.0));
  EXPECT_EQ(f32.observed(3, 1.0, 1.0), 0.0);  // a source not probed
}

// Backward stability: an f32 batch_norm rounds its mean on the scale of x, so at x ≈ 100 ±
// 0.01 a relative 2^-24 of x is 4e-4 of x − mean, and a correct engine's gradient may be off
// by that much (torch's is: libtorch regression batch_norm_f32_mean_rounded_on_the_inputs_scale).
// The probe jitters the graph's inputs as well as op results, so it sees the operands' scale:
// the same deviations around 100 show ~100 times the rounding they show around 0 (where the
// rounding of y and w·y dominates; without the inputs' jitter both are the same, batch_norm
// being shift-invariant).
TEST(RoundingProbe, InputsAreJitteredSoAnOpThatCancelsItsOperandsScaleShowsIt) {
  auto probe = [](double offset) {
    graph::Graph g;
    std::vector<double> x = {0.013, 0.021, -0.006, 0.0007};
    for (double& v : x) v = static_cast<float>(v + offset);
    g.inputs = {variable("%x", Shape{4}, x, true, DType::f32), constant("%w", Shape{4}, {0.7, -1.3, 0.4, 1.1}, DType::f32)};
    g.tapes = {tape("t")};
    OpAttrs bn;
    bn.axes = {0};
    bn.epsilon = 0.001;
    g.body = {record("t", {op("%y", "batch_norm", {"%x"}, bn), op("%p", "mul", {"%y", "%w"}),
                           op("%l", "reduce_sum", {"%p"})}),
              gradient({"%g"}, "t", "%l", {"%x"})};
    const Objective o = make_objective(g, {}, 0);
    EXPECT_TRUE(o.not_applicable.empty()) << o.not_applicable;
    return rounding_sensitivity(o, {nullptr}, 7, 1).per_unit.at(0);
  };
  const double centred = probe(0), offset = probe(100);
  EXPECT_GT(centred, 0);
  EXPECT_GT(offset, 30 * centred) << centred << " vs " << offset;
}

// A value exactly on a kink somewhere else in the graph (relu of a − b with a·1 == b, as the
// edge inputs place them) must not blind the probe: every jitter of op results moves it across,
// and without a copy that leaves the kink's inputs alone the probe discarded every realization
// and measured nothing for any source (soak graph 74378: a pole's rounding, tolerance 55 for an
// error of 3000). The source's path, 1/(Σx + c) beside its pole in f32, is still measured.
TEST(RoundingProbe, AValueOnAKinkElsewhereKeepsTheRestMeasured) {
  auto probe = [](double at_kink) {
    graph::Graph g;
    g.inputs = {variable("%x", Shape{3}, {-2.25, -3.5, -3.1599}, true, DType::f32),
                constant("%c", Shape{}, {8.91}, DType::f32), constant("%a", Shape{}, {0.75}),
                constant("%one", Shape{}, {1}), constant("%b", Shape{}, {at_kink})};
    g.tapes = {tape("t")};
    g.body = {record("t", {op("%s", "reduce_sum", {"%x"}), op("%d", "add", {"%s", "%c"}),
                           op("%p", "reciprocal", {"%d"}), op("%a1", "mul", {"%a", "%one"}),
                           op("%z", "sub", {"%a1", "%b"}), op("%r", "relu", {"%z"}),
                           op("%rf", "cast", {"%r"}, [] { OpAttrs a; a.dtype = DType::f32; return a; }()),
                           op("%l", "add", {"%p", "%rf"})}),
              gradient({"%g"}, "t", "%l", {"%x"})};
    const Objective o = make_objective(g, {}, 0);
    EXPECT_TRUE(o.not_applicable.empty()) << o.not_applicable;
    return rounding_sensitivity(o, {nullptr}, 7, 1).relative.at(0);
  };
  const double away = probe(0.5), on = probe(0.75);  // relu's operand 0.25, or exactly 0
  EXPECT_GT(away, 1e-5);  // |Σx + c| = 1e-4: a relative 2^-24 of 9 is ~5e-3 of it
  EXPECT_GT(on, away / 4) << away << " vs " << on;
}

// Equal values computed twice and compared — not_equal(v + k, v + k'), k == k' — round alike in
// the engine, but independent jitter makes them unequal: a kink the probe must step around
// without leaving v unjittered, when v carries the graph's dominant rounding. Soak graph 438375:
// the source's gradient is v − 95.59 with v ≈ 95.594 in f32 (one rounding of v moves it 1e-3
// relative); keeping everything upstream of the comparison unjittered measured only the
// rounding of the difference itself and allowed 1e-7 for the engine's correct 1e-6.
TEST(RoundingProbe, EqualValuesComparedKeepOnlyTheComparedValuesUnjittered) {
  auto probe = [](bool compared) {
    graph::Graph g;
    g.inputs = {variable("%x", Shape{3}, {0.5, -1.25, 2.0}, true, DType::f32),
                constant("%y", Shape{}, {static_cast<float>(95.594)}, DType::f32),
                constant("%one", Shape{}, {1}, DType::f32), constant("%k", Shape{}, {static_cast<float>(-95.59)}, DType::f32),
                constant("%k2", Shape{}, {static_cast<float>(-95.59)}, DType::f32)};
    g.tapes = {tape("t")};
    graph::Block body = {op("%v", "mul", {"%y", "%one"}), op("%d", "add", {"%v", "%k"}),
                         op("%p", "mul", {"%x", "%d"}), op("%l", "reduce_sum", {"%p"})};
    if (compared)
      body.insert(body.begin() + 1, {op("%a", "add", {"%v", "%k"}), op("%b", "add", {"%v", "%k2"}),
                                     op("%ne", "not_equal", {"%a", "%b"})});
    g.body = {record("t", body), gradient({"%g"}, "t", "%l", {"%x"})};
    const Objective o = make_objective(g, {}, 0);
    EXPECT_TRUE(o.not_applicable.empty()) << o.not_applicable;
    return rounding_sensitivity(o, {nullptr}, 7, 1).per_unit.at(0);
  };
  const double plain = probe(false), compared = probe(true);
  EXPECT_GT(plain, 1e-6);  // a relative 2^-24 of 95.6 is 5.7e-6 of a gradient ~0.004
  EXPECT_GT(compared, plain / 4) << plain << " vs " << compared;
}

// A kink is decided on an op's operands, so the copy that keeps a moved kink in place leaves
// those unjittered, not the op's result, which is rounded after the side is decided and may
// carry the graph's dominant rounding. Soak seed 17 graph 3819: norm(x0 + k0) with an element
// of x0 + k0 exactly 0 (a kink), then log_abs_det(norm + k1) at norm + k1 = 0.0013: the norm's
// rounding, amplified 5100 times, was left unjittered with everything upstream, and the probe
// allowed 5e-14 of the engine's value for its error of 7e-13. Here log(n − 2.199) at n = 2.2.
TEST(RoundingProbe, TheResultOfAnOpOnAKinkIsStillJittered) {
  const graph::Graph g = graph::parse_tcg(R"(graph kink_then_cancellation
input %x: f64[2] variable values(0.3, 1.7)
input %one: f64[] constant values(1)
input %c: f64[2] constant values(-0.3, 0.5)
input %k: f64[] constant values(-2.199)
tape t
record t {
  %b = mul %x %one
  %a = add %b %c
  %n = norm %a axes=[] keepdims=false ord=1.5
  %d = add %n %k
  %l = log %d
}
%g = grad t %l wrt %x
)");
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  // One rounding of n moves log(n − 2.199)'s derivative by n/(n − 2.199) ≈ 2200 of them.
  const double relative = rounding_sensitivity(o, {nullptr}, 7, 1).relative.at(0);
  EXPECT_GT(relative, 200 * 0x1p-53);
  EXPECT_LT(relative, 20000 * 0x1p-53);
}

// A sum whose terms cancel rounds on the terms' scale, not its own: x @ c adds products of 0.6
// into -0.0193, and 1/v − 51.94 cancels another 22 000-fold. Jittering the graph's inputs shows
// it where the probe may move them, but a tie elsewhere (max(x + k, x + k'), k == k') leaves
// only the copy that keeps the tie, which jittered the matmul's result relative to itself:
// soak seed 18 graph 45807 allowed 2.5e-11 of the engine's gradient for an error of 7e-11.
TEST(RoundingProbe, ASumWhoseTermsCancelRoundsOnTheTermsScale) {
  const graph::Graph g = graph::parse_tcg(R"(graph cancelling_matmul_beside_a_tie
input %x: f64[1,2] variable values(0.36069312444960971, 1.619097327112534)
input %c: f64[2,1] constant values(-1.6940215790140636, 0.36549366871260602)
input %k: f64[] constant values(51.94)
input %k1: f64[] constant values(1.71)
input %k2: f64[] constant values(1.71)
tape t
record t {
  %v = matmul %x %c
  %r = reciprocal %v
  %d = add %r %k
  %q = reciprocal %d
  %s = reduce_sum %q axes=[] keepdims=false
  %a = add %x %k1
  %b = add %x %k2
  %m = maximum %a %b
  %n = reduce_sum %m axes=[] keepdims=false
  %l = add %s %n
}
%g = grad t %l wrt %x
)");
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  // One rounding of the products (~0.6) moves d by 0.6/0.0193 · 51.94/0.00235 ≈ 7e5 of its own
  // roundings, and the gradient, ~1/d², twice that relative.
  const double relative = rounding_sensitivity(o, {nullptr}, 7, 1).relative.at(0);
  EXPECT_GT(relative, 3e-11);
  EXPECT_LT(relative, 1e-8);
}

// A value the preparation hoists into a constant input carries its whole computation's
// rounding, not one rounding of its own. Soak graph 998338: f = x · Σv with v = logsumexp([92.2,
// 92.2]) − 92.2 = log 2 also a source, one the tape never tracks, so Σv moves with a source
// but is held constant (hoisted); the f32 engine's Σv is off by one rounding of 92.89
// (1.4e-6), where jittering the hoisted 0.693 alone allowed 1e-7 per unit of x's direction.
TEST(RoundingProbe, HoistedValuesCarryTheRoundingOfTheirComputation) {
  const graph::Graph g = graph::parse_tcg(R"(graph hoisted
input %x: f32[] variable values(0.8)
input %k: f32[] constant values(-92.19999694824219)
input %c: f32[2] constant values(92.19999694824219, 92.19999694824219)
tape t
record t {
  %lse = logsumexp %c axes=[] keepdims=false
  %v = add %lse %k
  %s = reduce_sum %v axes=[] keepdims=false
  %f = einsum %s %x equation=",->"
}
%gv, %gx = grad t %f wrt %v, %x
)");
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  ASSERT_EQ(o.hoisted.size(), 1u);
  EXPECT_EQ(o.hoisted[0].second, "s");
  const double per_unit = rounding_sensitivity(o, {nullptr, nullptr}, 7, 1).per_unit.at(1);
  EXPECT_GT(per_unit, 1e-6);  // 2^-24 of 92.89 is 5.5e-6
  EXPECT_LT(per_unit, 1e-4);
}

// The probe magnifies its jitter to 2^-30 and scales the response back, which assumes the JVP
// responds linearly. Beside a pole it does not: d/dx 1/(x − c) = −1/(x − c)² with x − c =
// 2^-40 moves by 2·2^41 relative per unit of relative jitter, so the engine's roundings
// (2^-53) move it by up to ~5e-4, while a jitter of 2^-30 carries x − c far across the pole and
// the scaled-back response said 1e-7 (soak seed 11 graph 35389: three near-singular
// matrix_inverses in a chain, a mismatch of 6e-6 against a tolerance of 7e-7).
TEST(RoundingProbe, ANonlinearResponseIsMeasuredAtASmallerMagnification) {
  graph::Graph g;
  g.inputs = {variable("%x", Shape{1}, {1.0}), constant("%c", Shape{1}, {1 - 0x1p-40})};
  g.tapes = {tape("t")};
  g.body = {record("t", {op("%d", "sub", {"%x", "%c"}), op("%r", "reciprocal", {"%d"}),
                         op("%l", "reduce_sum", {"%r"})}),
            gradient({"%g"}, "t", "%l", {"%x"})};
  const Objective o = make_objective(g, {}, 0);
  ASSERT_TRUE(o.not_applicable.empty()) << o.not_applicable;
  const double relative = rounding_sensitivity(o, {nullptr}, 7, 1).relative.at(0);
  EXPECT_GT(relative, 5e-5);
  EXPECT_LT(relative, 2e-3);
}

// The oracles of one check share the probe: one per seed and engine gradient, the very probe
// rounding_sensitivity computes, whatever the thread count.
TEST(RoundingProbe, PreparedObjectivesProbeOncePerSeedAndEngineGradient) {
  const PreparedObjectives prepared(chain(DType::f32), {});
  const eut::Value gradient{DType::f32, Shape{4}, {0.9, -0.4, 0.2, 1.3}};
  const eut::Value same = gradient;
  const eut::Value other{DType::f32, Shape{4}, {0.9, -0.4, 0.2, 1.4}};
  const RoundingProbe& shared = prepared.rounding_probe(0, {&gradient}, 7, 1);
  const RoundingProbe direct = rounding_sensitivity(prepared.objective(0), {&gradient}, 7, 1);
  EXPECT_EQ(shared.relative, direct.relative);
  EXPECT_EQ(shared.per_unit, direct.per_unit);
  EXPECT_EQ(shared.cancelled, direct.cancelled);
  EXPECT_GT(shared.relative.at(0), 0.0);
  EXPECT_EQ(&prepared.rounding_probe(0, {&same}, 7, 2), &shared);
  EXPECT_NE(&prepared.rounding_probe(0, {&other}, 7, 1), &shared);
  EXPECT_NE(&prepared.rounding_probe(0, {&gradient}, 8, 1), &shared);
}

}  // namespace
}  // namespace tc::oracles
