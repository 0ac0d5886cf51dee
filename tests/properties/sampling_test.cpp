// properties/sampling.hpp: the generator's proposals. An op row's sampling hooks take the place
// of the generic proposals (the way a future op sampled by construction, a Cholesky input that
// must be SPD, plugs in); the generic proposals touch only the attributes a row declares and
// keep fresh values inside the input's domain; draws are reproducible from the seed.
#include "properties/sampling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "engine/ops/kernel.hpp"
#include "engine/ops/op_rows.hpp"
#include "engine/ops/op_table.hpp"
#include "eut/inputs.hpp"

namespace tc::properties {
namespace {

TensorSpec same_spec(const OpAttrs&, const TensorSpec* in, int) { return in[0]; }
template <class S>
void no_kernel(const OpAttrs&, const In<S>*, int, const Out<S>&, Branches*) {}

// A symmetric matrix with a dominant diagonal (positive definite), built from the draws.
std::vector<double> spd(int slot, const TensorSpec& spec, Draw& draw) {
  const std::int64_t n = spec.shape[0];
  std::vector<double> a(static_cast<std::size_t>(n * n), 0.0);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j <= i; ++j) {
      const double x = i == j ? static_cast<double>(n) + draw.uniform(0.5, 1.0) : draw.uniform(-0.5, 0.5);
      a[static_cast<std::size_t>(i * n + j)] = a[static_cast<std::size_t>(j * n + i)] = x + slot;
    }
  return a;
}

OpAttrs axis_from_rank(const TensorSpec* in, int, Draw& draw) {
  OpAttrs a;
  a.axis = draw.integer(0, in[0].shape.rank() - 1);
  a.alpha = 7;  // a value no generic proposal makes
  return a;
}

const OpDef kHooked = OpRow("hooked", "test")
                          .input(OpInput("a").domain({-1, 1}))
                          .attrs(Attr::axis | Attr::alpha)
                          .sample_attrs(&axis_from_rank)
                          .sample_input(&spd)
                          .rules(&same_spec, TC_FORWARDS(no_kernel));

TEST(Sampling, AnAttributeHookReplacesTheGenericProposals) {
  Rng rng(1);
  const std::vector<TensorSpec> in{{DType::f64, Shape{2, 3, 4}}};
  for (int t = 0; t < 50; ++t) {
    const OpAttrs a = sample_attrs(rng, kHooked, in, AttrKnobs{}, ShapeFamily{{2, 3}});
    EXPECT_EQ(a.alpha, 7);
    EXPECT_GE(a.axis, 0);
    EXPECT_LE(a.axis, 2);
  }
}

TEST(Sampling, AnInputHookMakesTheFreshOperandsValues) {
  Rng rng(2);
  const graph::Init init = sample_operand(rng, kHooked, 0, DType::f32, Shape{3, 3});
  ASSERT_EQ(init.kind, graph::Init::Kind::values);
  ASSERT_EQ(init.values.size(), 9u);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(init.values[static_cast<std::size_t>(i * 3 + j)], init.values[static_cast<std::size_t>(j * 3 + i)]);
      if (i == j) {
        EXPECT_GT(init.values[static_cast<std::size_t>(i * 4)], 3.0);  // the dominant diagonal
      }
    }
  for (double v : init.values) EXPECT_EQ(v, round_to_dtype(v, DType::f32));  // rounded to the operand's dtype
}

TEST(Sampling, DrawsAreReproducibleFromTheSeed) {
  Rng a(5), b(5);
  EXPECT_EQ(sample_operand(a, kHooked, 0, DType::f64, Shape{2, 2}).values,
            sample_operand(b, kHooked, 0, DType::f64, Shape{2, 2}).values);
  Rng c(9), d(9);
  RngDraw dc(c), dd(d);
  for (int t = 0; t < 20; ++t) {
    const std::int64_t x = dc.integer(-2, 2);
    EXPECT_EQ(x, dd.integer(-2, 2));
    EXPECT_GE(x, -2);
    EXPECT_LE(x, 2);
  }
}

TEST(Sampling, GenericProposalsTouchOnlyTheDeclaredAttributes) {
  Rng rng(3);
  const std::vector<TensorSpec> in{{DType::f64, Shape{2, 3}}};
  const OpAttrs defaults;
  bool axes_changed = false;
  for (int t = 0; t < 200; ++t) {
    const OpAttrs a = sample_attrs(rng, op_reduce_sum, in, AttrKnobs{}, ShapeFamily{{2, 3}});
    axes_changed = axes_changed || !a.axes.empty();
    EXPECT_EQ(a.axis, defaults.axis);
    EXPECT_EQ(a.perm, defaults.perm);
    EXPECT_EQ(a.shape, defaults.shape);
    EXPECT_EQ(a.alpha, defaults.alpha);
    EXPECT_EQ(a.dtype, defaults.dtype);
  }
  EXPECT_TRUE(axes_changed);
}

TEST(Sampling, FreshValuesWithoutAHookLieInTheInputsDomain) {
  Rng rng(4);
  const InputDef& x = op_log.input(0);  // [0.1, 4], away from 0
  for (int t = 0; t < 50; ++t) {
    graph::Input in;
    in.name = "x";
    in.shape = Shape{4};
    in.init = sample_operand(rng, op_log, 0, DType::f64, in.shape);
    for (double v : eut::materialize_input(in).data) {
      EXPECT_GE(v, x.domain.lo);
      EXPECT_LE(v, x.domain.hi);
    }
  }
}

// ---- edge points (Edges) --------------------------------------------------------------------

TEST(SamplingEdges, ZeroEdgesPutExactZerosInTheValues) {
  Rng rng(7);
  const InputDef& x = op_relu.input(0);
  ASSERT_TRUE(has(x.edges, Edges::zero));
  int with_zero = 0;
  for (int t = 0; t < 20; ++t) {
    std::vector<double> v = {0.5, -1.5, 2.25, 0.75, -0.25, 1.0};
    if (place_edges(rng, x, OpAttrs{}, {}, DType::f64, Shape{static_cast<std::int64_t>(v.size())}, v, nullptr))
      with_zero += std::count(v.begin(), v.end(), 0.0) > 0;
  }
  EXPECT_EQ(with_zero, 20);
}

TEST(SamplingEdges, BoundEdgesLandExactlyOnTheOpsLoAndHi) {
  Rng rng(8);
  const InputDef& x = op_clip_by_value.input(0);
  ASSERT_TRUE(has(x.edges, Edges::bounds));
  OpAttrs a;
  a.lo = -0.7;
  a.hi = 1.3;
  for (DType d : {DType::f32, DType::f64}) {
    std::vector<double> v = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    ASSERT_TRUE(place_edges(rng, x, a, {}, d, Shape{static_cast<std::int64_t>(v.size())}, v, nullptr));
    int on_bound = 0;
    for (double e : v) on_bound += e == round_to_dtype(a.lo, d) || e == round_to_dtype(a.hi, d);
    EXPECT_GE(on_bound, 1);
  }
}

TEST(SamplingEdges, TieEdgesRepeatAnExtremeOrThePartnersValue) {
  Rng rng(9);
  const InputDef& x = op_maximum.input(0);
  ASSERT_TRUE(has(x.edges, Edges::ties));
  const std::vector<double> partner = {9, 8, 7, 6, 5, 4};
  for (int t = 0; t < 20; ++t) {
    std::vector<double> v = {0.5, -1.5, 2.25, 0.75, -0.25, 1.0};
    if (!place_edges(rng, x, OpAttrs{}, {}, DType::f64, Shape{static_cast<std::int64_t>(v.size())}, v, &partner)) continue;
    bool tie = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
      tie = tie || v[i] == partner[i];
      for (std::size_t j = 0; j < i; ++j) tie = tie || v[i] == v[j];
    }
    EXPECT_TRUE(tie);
  }
}

// Without a partner (a reduction's operand) the largest element and the smallest are both
// repeated: a tie for reduce_max and for reduce_min in the same draw.
TEST(SamplingEdges, TieEdgesWithoutAPartnerTieTheMaximumAndTheMinimum) {
  Rng rng(14);
  const InputDef& x = op_reduce_max.input(0);
  ASSERT_TRUE(has(x.edges, Edges::ties));
  int both = 0, placed = 0;
  for (int t = 0; t < 40; ++t) {
    std::vector<double> v = {0.5, -1.5, 2.25, 0.75, -0.25, 1.0};
    if (!place_edges(rng, x, OpAttrs{}, {}, DType::f64, Shape{static_cast<std::int64_t>(v.size())}, v, nullptr)) continue;
    ++placed;
    const double hi = *std::max_element(v.begin(), v.end()), lo = *std::min_element(v.begin(), v.end());
    both += std::count(v.begin(), v.end(), hi) >= 2 && std::count(v.begin(), v.end(), lo) >= 2;
  }
  ASSERT_GT(placed, 0);
  EXPECT_GE(both, placed / 2) << both << " of " << placed;
}

// A reduction over one axis compares within rows: the largest element's tie is placed in its
// own row along that axis, where reduce_max(axes=[1]) sees it, not anywhere in the operand.
TEST(SamplingEdges, TieEdgesTieTheMaximumWithinItsRowAlongTheComparedAxis) {
  Rng rng(15);
  const InputDef& x = op_reduce_max.input(0);
  const Shape shape{3, 4};
  int placed = 0, in_row = 0;
  for (int t = 0; t < 40; ++t) {
    std::vector<double> v = {0.5, -1.5, 2.25, 0.75, -0.25, 1.0, 3.5, -2.0, 0.125, 1.75, -0.5, 2.5};
    if (!place_edges(rng, x, OpAttrs{}, {1}, DType::f64, shape, v, nullptr)) continue;
    ++placed;
    const auto hi = static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
    const std::size_t row = hi / 4;
    in_row += std::count(v.begin() + static_cast<std::ptrdiff_t>(4 * row), v.begin() + static_cast<std::ptrdiff_t>(4 * row + 4), v[hi]) >= 2;
  }
  ASSERT_GT(placed, 0);
  EXPECT_EQ(in_row, placed);
}

TEST(SamplingEdges, TieEdgesAgainstABroadcastScalarTieTheScalarWithAnElement) {
  // maximum(x, c) with c a scalar: broadcasting pairs c with every element of x, so the tie is
  // c equal to one of x's values (or, the other way round, elements of x equal to c). Before,
  // a scalar side had no partner of its length and no elements of its own to tie: nothing.
  Rng rng(16);
  const InputDef& a = op_maximum.input(0);
  const std::vector<double> x = {0.5, -1.5, 2.25, 0.75};
  const std::vector<double> c = {1.25};
  int scalar_tied = 0, tensor_tied = 0;
  for (int t = 0; t < 20; ++t) {
    std::vector<double> scalar = c;
    ASSERT_TRUE(place_edges(rng, a, OpAttrs{}, {}, DType::f64, Shape{}, scalar, &x));
    scalar_tied += std::count(x.begin(), x.end(), scalar[0]) >= 1;
    std::vector<double> tensor = x;
    ASSERT_TRUE(place_edges(rng, a, OpAttrs{}, {}, DType::f64, Shape{4}, tensor, &c));
    tensor_tied += std::count(tensor.begin(), tensor.end(), c[0]) >= 1;
  }
  EXPECT_EQ(scalar_tied, 20);
  EXPECT_EQ(tensor_tied, 20);
}

TEST(SamplingEdges, LargeEdgesReachExpsOverflowInTheDtypeAndStayFinite) {
  Rng rng(10);
  const InputDef& x = op_logsumexp.input(0);
  ASSERT_TRUE(has(x.edges, Edges::large));
  for (DType d : {DType::f32, DType::f64}) {
    const double overflow = d == DType::f32 ? 88.72 : 709.78;
    EXPECT_GT(large_edge_limit(d), overflow);
    std::vector<double> v = {0.5, -1.5, 2.25};
    ASSERT_TRUE(place_edges(rng, x, OpAttrs{}, {}, d, Shape{static_cast<std::int64_t>(v.size())}, v, nullptr));
    double biggest = 0;
    for (double e : v) {
      EXPECT_TRUE(std::isfinite(e));
      biggest = std::max(biggest, std::abs(e));
    }
    EXPECT_GT(biggest, 0.85 * overflow);
  }
}

TEST(SamplingEdges, AnInputWithoutEdgesIsLeftAlone) {
  Rng rng(11);
  std::vector<double> v = {0.5, -1.5};
  EXPECT_FALSE(place_edges(rng, op_sin.input(0), OpAttrs{}, {}, DType::f64, Shape{2}, v, nullptr));
  EXPECT_EQ(v, (std::vector<double>{0.5, -1.5}));
}

// Rank min_rank to 3, every extent equal, within the family's element cap. For a permutation
// (min_rank 3) only a rank-3 cube keeps its shape under a mix-up.
TEST(SamplingEdges, EqualExtentShapesHaveRankMinRankToThreeAndFitTheFamily) {
  Rng rng(12);
  ShapeFamily f;
  f.dims = {3, 4};
  f.max_elements = 12;
  for (int min_rank : {2, 3}) {
    for (int t = 0; t < 30; ++t) {
      const Shape s = equal_extents_shape(rng, f, min_rank);
      ASSERT_GE(s.rank(), min_rank);
      ASSERT_LE(s.rank(), 3);
      for (int d = 1; d < s.rank(); ++d) EXPECT_EQ(s[d], s[0]);
      EXPECT_GE(s[0], 2);
      EXPECT_LE(s.numel(), 12);
    }
  }
}


// The generator's stream: seeded, it is std::mt19937_64 word for word (so every seed of a
// campaign or property gives the graph it gave before choice sources existed); on a
// ChoiceSource, every choice is the source's.
TEST(Sampling, ASeededRngIsTheMersenneTwisterWordForWord) {
  Rng rng(77);
  std::mt19937_64 twister(77);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(rng(), twister());
}

// Choices from a script: integers cycle through `ints` (clamped into the asked range), unit()
// through `units`; counts what was asked.
struct ScriptedChoices final : ChoiceSource {
  std::vector<std::int64_t> ints;
  std::vector<double> units;
  std::size_t next_int = 0, next_unit = 0, words = 0;
  std::uint64_t word() override { return ++words; }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) override {
    return std::clamp(ints[next_int++ % ints.size()], lo, hi);
  }
  double unit() override { return units[next_unit++ % units.size()]; }
};

TEST(Sampling, AnRngOnAChoiceSourceTakesEveryChoiceFromIt) {
  ScriptedChoices choices;
  choices.ints = {3, -7, 100};
  choices.units = {0.25, 0.75};
  Rng rng(choices);
  EXPECT_EQ(uniform_int(rng, 0, 10), 3);
  EXPECT_EQ(uniform_int(rng, 0, 10), 0);   // -7 clamped: the source's choice, in range
  EXPECT_EQ(uniform_int(rng, 0, 10), 10);
  EXPECT_EQ(uniform_int(rng, 4, 4), 4);    // no choice to make: the source is not asked
  EXPECT_EQ(choices.next_int, 3u);
  EXPECT_DOUBLE_EQ(uniform_real(rng, 0, 8), 2.0);
  EXPECT_TRUE(chance(rng, 0.5) == false);  // 0.75 < 0.5 is false
  EXPECT_EQ(rng(), 1u);                    // raw words (std::shuffle, discrete_distribution)
  EXPECT_EQ(choices.words, 1u);
}

}  // namespace
}  // namespace tc::properties
