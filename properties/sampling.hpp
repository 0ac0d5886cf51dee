// The random proposals behind the generator (generators.hpp): a seeded stream's draws, shapes
// made of a graph's few dims, attributes for an op's operands and the values of a fresh input.
// An op table row's sampling hooks (OpDef::sample_attrs, OpDef::sample_input) take the place of
// the generic proposals for that op; everything else follows the row's declared attributes and
// input domains. The draws are part of the generator's determinism: build_graph(options, seed)
// is a function of the seed.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "engine/ops/op_def.hpp"
#include "graph/ir.hpp"

namespace tc::properties {

// Where the generator's choices come from when they are not a seeded stream: a fuzzer's bytes
// (fuzz/fuzz_input.hpp reads them with libFuzzer's FuzzedDataProvider), so that coverage
// guidance steers the same generator the properties use rather than a second one.
class ChoiceSource {
 public:
  virtual ~ChoiceSource() = default;
  virtual std::uint64_t word() = 0;                                // 64 bits, any value
  virtual std::int64_t integer(std::int64_t lo, std::int64_t hi) = 0;  // in [lo, hi], hi > lo
  virtual double unit() = 0;                                       // in [0, 1)
};

// The generator's stream: a seeded std::mt19937_64 (build_graph(options, seed, size) is a
// function of the seed, draw for draw as before sources existed), or a ChoiceSource. A
// UniformRandomBitGenerator, so std::shuffle and std::discrete_distribution take it too.
class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed = std::mt19937_64::default_seed) : seeded_(seed) {}
  explicit Rng(ChoiceSource& choices) : choices_(&choices) {}
  result_type operator()() { return choices_ ? choices_->word() : seeded_(); }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  ChoiceSource* choices() const { return choices_; }

 private:
  std::mt19937_64 seeded_;
  ChoiceSource* choices_ = nullptr;
};

// ---- draws ------------------------------------------------------------------------------------

int uniform_int(Rng& rng, int lo, int hi);  // [lo, hi]; lo if hi <= lo
double uniform_real(Rng& rng, double lo, double hi);  // [lo, hi)
bool chance(Rng& rng, double p);
template <class T>
const T& pick(Rng& rng, const std::vector<T>& v) {
  return v[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(v.size()) - 1))];
}
// Rounds to `digits` decimals (readable .tcg constants).
double round_to(double x, int digits);

// The generator's stream behind the Draw a sampling hook takes.
class RngDraw final : public Draw {
 public:
  explicit RngDraw(Rng& rng) : rng_(rng) {}
  double uniform(double lo, double hi) override { return uniform_real(rng_, lo, hi); }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) override;

 private:
  Rng& rng_;
};

// ---- shapes -----------------------------------------------------------------------------------

// The dims a graph's shapes are made of: 1 plus one or two sizes from 2..4. Shapes sharing
// dims are what makes broadcasting, matmul and concat line up; the shrinker lowers a dim
// everywhere at once.
struct ShapeFamily {
  std::vector<std::int64_t> dims;  // without 1
  int max_rank = 3;
  std::int64_t max_elements = 12;
};

Shape random_shape(Rng& rng, const ShapeFamily& f);
// A shape of rank min_rank (2 or 3) to 3 whose extents are all equal ([3, 3], [2, 2, 2]) within
// f.max_elements: where an axis mix-up keeps the shape.
Shape equal_extents_shape(Rng& rng, const ShapeFamily& f, int min_rank = 2);
// A shape for a second operand, related to the first one's so that broadcasting, matmul,
// concat or an index operand may line up; infer() decides.
Shape related_shape(Rng& rng, const Shape& s0, const ShapeFamily& f, bool broadcasting);

// ---- attributes -------------------------------------------------------------------------------

struct AttrKnobs {
  bool reductions = true;      // keepdims and partial axes
  bool integer_paths = true;   // cast to i32
  bool bool_paths = true;      // cast to bool
  bool other_float = true;     // cast between f32 and f64
  DType float_dtype = DType::f64;  // the graph's floating dtype: a dtype attribute's only float
                                   // when other_float is off
};

// Attributes for `op` on operands `in`: the row's sample_attrs hook if it has one, else a
// proposal for every attribute the op declares (OpDef::attrs), in the fields' order; infer()
// decides whether they fit.
OpAttrs sample_attrs(Rng& rng, const OpDef& op, const std::vector<TensorSpec>& in, const AttrKnobs& k,
                     const ShapeFamily& f);

// ---- input values -----------------------------------------------------------------------------

// Values of dtype `dtype` and shape `shape` inside domain `d`: bool 0/1, i32 integers in
// [lo, hi], floats uniform over a safe sub-interval (away from every away_from point by
// margin, 10 % in from its ends, sometimes narrower) with a seed of their own.
graph::Init sample_values(Rng& rng, DType dtype, const Shape& shape, const Domain& d);

// The values of a fresh operand for input `slot` of `op`: its sample_input hook's (listed
// values), else sample_values() in the slot's Domain.
graph::Init sample_operand(Rng& rng, const OpDef& op, int slot, DType dtype, const Shape& shape);

// ---- edge points ------------------------------------------------------------------------------

// The magnitude Edges::large values reach in `dtype`: a little past the point where exp
// overflows (709.8 in f64, 88.7 in f32), so that a forward without a max shift overflows there.
double large_edge_limit(DType dtype);

// Puts some elements of `values` (an operand of dtype `dtype` and shape `shape` for input
// `in`) on the input's edge points: exact zeros, the op's lo/hi attributes, ties among its own
// elements or with `partner` (the other operand's values, or null: of the same length, a tie
// is element by element; where one side is a scalar, it is the scalar equal to an element of
// the other side, as broadcasting pairs them), magnitudes
// near exp's overflow. A tie among its own elements repeats the largest and the smallest
// element along one of `tie_axes` (empty: any axis), the axes the op compares along (a
// reduction's axes, sort's axis): a repeat elsewhere falls in another group, where it is no
// tie. The values stay exactly representable in `dtype`. Returns whether any value changed.
bool place_edges(Rng& rng, const InputDef& in, const OpAttrs& attrs, const std::vector<int>& tie_axes, DType dtype,
                 const Shape& shape, std::vector<double>& values, const std::vector<double>* partner);

}  // namespace tc::properties
