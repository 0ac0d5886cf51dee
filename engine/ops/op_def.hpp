// The op table's row type. Every consumer — engine, graph IR and .tcg parser, generators,
// fuzzers, oracles, reports, `tapecheck ops` — reads ops from the one table (op_table.hpp);
// nothing else lists ops.
#pragma once
#include <complex>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/dtype.hpp"
#include "engine/core/scalar.hpp"
#include "engine/core/shape.hpp"

namespace tc {

class Tensor;

// Attributes an op may take. Each op names the ones it reads in OpDef::attrs; the .tcg
// format spells them `name=value` with the same names (attr_name, parse_attr).
struct OpAttrs {
  std::vector<std::int64_t> axes;   // reductions (empty = all axes), squeeze (empty = all 1s),
                                    // reverse, roll, layer_norm/batch_norm (empty = the op's default)
  bool keepdims = false;            // reductions
  std::int64_t axis = 0;            // concat, gather, softmax, log_softmax, argmax/argmin, expand_dims,
                                    // cumsum/cumprod, sort/argsort, stack/unstack, split, boolean_mask
  std::vector<std::int64_t> perm;   // transpose (empty = reverse)
  std::vector<std::int64_t> shape;  // reshape (one -1 allowed), broadcast_to, scatter_nd
  std::vector<std::int64_t> begin;  // slice
  std::vector<std::int64_t> size;   // slice (-1 = to the end)
  double alpha = 0.2;               // leaky_relu slope, elu scale
  double lo = 0.0, hi = 1.0;        // clip_by_value bounds
  DType dtype = DType::f32;         // cast destination, one_hot's result
  bool exclusive = false;           // cumsum, cumprod: y_i leaves x_i out
  bool reverse = false;             // cumsum, cumprod: accumulate from the end of the axis
  double ord = 2.0;                 // norm: the p of the p-norm (p >= 1)
  std::int64_t k = 1;               // top_k: how many of the largest
  bool descending = false;          // sort, argsort
  std::string equation;             // einsum: "ij,jk->ik"
  bool lower = true;                // triangular_solve: which triangle of the matrix is read
  std::vector<std::int64_t> strides;    // conv1d/conv2d, pools: one per spatial axis (empty = 1s)
  std::vector<std::int64_t> dilations;  // conv1d/conv2d: one per spatial axis (empty = 1s)
  std::vector<std::int64_t> ksize;      // pools: the window, one per spatial axis
  std::string padding = "valid";    // conv1d/conv2d, pools: "valid" or "same" (TF's)
  double epsilon = 1e-3;            // layer_norm, batch_norm: added to the variance (Keras' default)
  double rate = 0.5;                // dropout: the kept elements are scaled by 1/(1 - rate)
  std::int64_t depth = 2;           // one_hot: the length of the new axis
  std::vector<std::int64_t> paddings;  // pad: [before_0, after_0, before_1, after_1, ...]
  std::string mode = "constant";    // pad: "constant" (zeros) or "reflect"
  std::vector<std::int64_t> multiples;  // tile: one per axis
  std::vector<std::int64_t> shift;      // roll: one per entry of axes
  std::vector<std::int64_t> mask;       // boolean_mask: 0/1, one per element along axis
  std::int64_t num = 2;             // split: the number of equal parts
  std::int64_t index = 0;           // split, unstack: which of the outputs this statement is
  std::int64_t order = 1;           // polygamma: n, the order of the derivative of digamma
  bool transpose_a = false;         // matmul: a's last two axes swapped before the product (TF's)
  bool transpose_b = false;         // matmul: b's last two axes swapped before the product
  friend bool operator==(const OpAttrs&, const OpAttrs&);
};

// The attributes of an op that takes none, made once: an OpAttrs is ~0.5 KB of vectors and
// strings, and building and destroying a default one per op was a tenth of an add's
// bookkeeping (apply_op's default argument).
inline const OpAttrs& no_attrs() {
  static const OpAttrs none;
  return none;
}

// One OpAttrs field, in the fields' order.
enum class Attr : std::uint8_t {
  axes, keepdims, axis, perm, shape, begin, size, alpha, lo, hi, dtype,
  exclusive, reverse, ord, k, descending, equation, lower, strides, dilations, ksize, padding,
  epsilon, rate, depth, paddings, mode, multiples, shift, mask, num, index, order, transpose_a,
  transpose_b,
};
inline constexpr int kAttrCount = 35;
// The one spelling of attribute names, shared by the .tcg and JSON forms: "axes", "keepdims" ...
const char* attr_name(Attr);
std::optional<Attr> parse_attr(std::string_view name);

// A set of attributes (the ones an op reads), iterated in the fields' order.
class AttrSet {
 public:
  constexpr AttrSet() = default;
  constexpr AttrSet(Attr a) : bits_(std::uint64_t{1} << static_cast<int>(a)) {}  // NOLINT: a set of one
  constexpr bool has(Attr a) const { return (bits_ >> static_cast<int>(a)) & 1u; }
  constexpr bool empty() const { return bits_ == 0; }
  friend constexpr AttrSet operator|(AttrSet a, AttrSet b) { return AttrSet(a.bits_ | b.bits_); }
  template <class F>
  void for_each(F&& f) const {
    for (int i = 0; i < kAttrCount; ++i)
      if (has(static_cast<Attr>(i))) f(static_cast<Attr>(i));
  }

 private:
  constexpr explicit AttrSet(std::uint64_t bits) : bits_(bits) {}
  std::uint64_t bits_ = 0;
};
constexpr AttrSet operator|(Attr a, Attr b) { return AttrSet(a) | AttrSet(b); }

// Dtype categories, as a set: what an input accepts.
enum class DTypes : std::uint8_t {
  none = 0,
  floating = 1,  // f32, f64
  integer = 2,   // i32
  boolean = 4,   // bool
  any = 7,
};
constexpr DTypes operator|(DTypes a, DTypes b) {
  return static_cast<DTypes>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr DTypes category(DType d) {
  return is_floating(d) ? DTypes::floating : d == DType::i32 ? DTypes::integer : DTypes::boolean;
}
constexpr bool accepts(DTypes set, DType d) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(category(d))) != 0;
}
// "float", "int", "bool", "any", or "float|int" ...
std::string dtypes_name(DTypes);

// What an input contributes to the gradient (SEMANTICS R4–R6), coarse.
enum class GradClass : std::uint8_t {
  differentiable,  // the VJP returns a value (possibly zero) for this input
  none,            // no gradient flows: the edge is cut (round, argmax, stop_gradient, where's cond)
  integer,         // an integer index input (gather indices): never a gradient
};
const char* grad_class_name(GradClass);

// An input's gradient rule, with the reason when it passes none: the cut an explanation
// (R13) names comes from here, never from the op's name.
enum class InputGrad : std::uint8_t {
  differentiable,      // the VJP returns a value for it
  stop_gradient,       // the op exists to cut this edge (tf.stop_gradient): constant to tapes
  non_differentiable,  // piecewise constant in it (round, argmax, comparisons): None (R4)
  predicate,           // the condition of a selection (where's cond): decides, carries none
  integer_index,       // an integer index (gather's indices): never a gradient
};
GradClass grad_class(InputGrad);
const char* input_grad_name(InputGrad);  // "differentiable", "stop_gradient", ...

// What the VJP's gradient for one input is computed from — which of {the upstream gradient,
// the op's output, its inputs} it reads, and how — so that the gradient's own gradient (second
// and higher order, R10) is None exactly where the gradient does not depend on the value (R6)
// and zeros, not None, where it depends on it only through a mask (R5 at every order). The
// connectivity oracle predicts higher-order None from these facts instead of running the VJP
// code; tests/engine/ops/vjp_reads_test.cpp holds each row's facts to what its VJP records.
enum class VjpOperand : std::uint8_t {
  upstream,  // the gradient flowing into the op's output
  output,    // the op's output (exp's VJP is g·y)
  self,      // the input whose gradient it is (log's VJP is g/x)
  input,     // input number `input` (mul's VJP for a is g·b)
};
enum class Dependence : std::uint8_t {
  linear,     // linear in it: its derivative does not depend on it (mul's g·b in b; g always)
  smooth,     // non-linear (tanh's g·(1 - y²) in y)
  piecewise,  // only through a piecewise-constant mask (relu's g·[x > 0]): zero derivative (R5)
};
const char* vjp_operand_name(VjpOperand);
const char* dependence_name(Dependence);
struct OpAttrs;
struct VjpRead {
  VjpOperand operand = VjpOperand::upstream;
  int input = -1;  // VjpOperand::input: which
  Dependence how = Dependence::linear;
  // For which attributes the VJP reads it (null: always): norm's VJP for ord = 1 is sign(x)·g
  // and reads no output, for every other ord it divides by the output.
  bool (*when)(const OpAttrs&) = nullptr;
  bool applies(const OpAttrs& a) const { return !when || when(a); }
};
// The spellings rows use: .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)}).
namespace reads {
inline constexpr VjpRead upstream{VjpOperand::upstream, -1, Dependence::linear};
constexpr VjpRead output(Dependence how) { return {VjpOperand::output, -1, how}; }
constexpr VjpRead output_when(Dependence how, bool (*when)(const OpAttrs&)) { return {VjpOperand::output, -1, how, when}; }
constexpr VjpRead self(Dependence how) { return {VjpOperand::self, -1, how}; }
constexpr VjpRead input(int k, Dependence how) { return {VjpOperand::input, k, how}; }
}  // namespace reads

// Inputs are sampled from [lo, hi]; `away_from` lists points to keep a margin from (poles,
// log(0), tan's asymptotes ...). Generators and fuzzers read this.
struct Domain {
  double lo = -3.0, hi = 3.0;
  std::vector<double> away_from;
  double margin = 0.0;
};

// Where real gradient bugs hide and uniform samples rarely go: the points an input's values
// should sometimes sit on exactly (generators and fuzzers read these; docs/properties.md).
enum class Edges : std::uint8_t {
  none = 0,
  zero = 1,     // exact zeros: a kink at 0 (relu, abs), a product through zero (reduce_prod)
  ties = 2,     // equal elements / operands: which of them gets the gradient (max, min)
  bounds = 4,   // exactly on the op's `lo` / `hi` attributes (clip_by_value)
  large = 8,    // magnitudes near exp's overflow in the dtype (logsumexp, softplus, softmax)
};
constexpr Edges operator|(Edges a, Edges b) {
  return static_cast<Edges>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(Edges set, Edges e) { return (static_cast<unsigned>(set) & static_cast<unsigned>(e)) != 0; }
std::string edges_name(Edges);  // "zero, ties"; "" for none

struct InputDef {
  const char* name = "x";
  DTypes dtypes = DTypes::floating;  // the categories it accepts
  int same_dtype_as = -1;            // >= 0: it must have that (earlier) input's dtype
  InputGrad grad = InputGrad::differentiable;
  Domain domain{};
  // What the VJP's gradient for this input reads (differentiable inputs; a variadic op's one
  // entry speaks for every operand, `self` being each one).
  std::vector<VjpRead> vjp_reads;
  Edges edges = Edges::none;  // points worth sampling exactly (their values may lie outside
                              // `domain` for Edges::large: the op is well-conditioned there)

  GradClass grad_class() const { return tc::grad_class(grad); }
  bool differentiable() const { return grad == InputGrad::differentiable; }
};

// The dtype of an op's result.
struct ResultDType {
  enum class Rule : std::uint8_t {
    input,   // the dtype of input `input`
    fixed,   // always `fixed` (bool for comparisons, i32 for argmax)
    attr,    // the `dtype` attribute (cast)
  };
  Rule rule = Rule::input;
  int input = 0;
  DType fixed = DType::f64;

  static constexpr ResultDType of_input(int k) { return {Rule::input, k, DType::f64}; }
  static constexpr ResultDType always(DType d) { return {Rule::fixed, 0, d}; }
  static constexpr ResultDType from_attr() { return {Rule::attr, 0, DType::f64}; }
  bool converts_to(DType d, const OpAttrs& attrs) const { return rule == Rule::attr && attrs.dtype == d; }
};

// What kind of op it is, as a set: generators, oracles and reports ask for a kind of op by
// its trait, never by its name.
enum class Trait : std::uint16_t {
  elementwise = 1 << 0,          // y_i depends on the i-th element of each operand only
  broadcasts = 1 << 1,           // operands broadcast together (NumPy rules)
  reduction = 1 << 2,            // reduces over axes (sum, max, logsumexp, argmax ...)
  normalization = 1 << 3,        // along one axis, every element depends on the whole row (softmax)
  linalg = 1 << 4,               // matrix algebra (matmul)
  shape = 1 << 5,                // moves elements without arithmetic (reshape, slice, gather ...)
  order_comparison = 1 << 6,     // <, <=, >, >=: a bool that jumps where the operands cross
  equality_comparison = 1 << 7,  // ==, !=
  logical = 1 << 8,              // bool algebra
  // Its floating result jumps where a floating operand crosses points it records in Branches
  // (floor_mod where a/b is an integer, round at half-integers, sign at 0): a value within
  // rounding of such a point may lie on either side of the jump in a correct engine.
  discontinuous = 1 << 9,
};
class Traits {
 public:
  constexpr Traits() = default;
  constexpr Traits(Trait t) : bits_(static_cast<std::uint16_t>(t)) {}  // NOLINT: a set of one
  constexpr bool has(Trait t) const { return (bits_ & static_cast<std::uint16_t>(t)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  friend constexpr Traits operator|(Traits a, Traits b) { return Traits(a.bits_ | b.bits_); }

 private:
  constexpr explicit Traits(unsigned bits) : bits_(static_cast<std::uint16_t>(bits)) {}
  std::uint16_t bits_ = 0;
};
constexpr Traits operator|(Trait a, Trait b) { return Traits(a) | Traits(b); }
inline constexpr Trait kAllTraits[] = {Trait::elementwise,      Trait::broadcasts,
                                       Trait::reduction,        Trait::normalization,
                                       Trait::linalg,           Trait::shape,
                                       Trait::order_comparison, Trait::equality_comparison,
                                       Trait::logical,          Trait::discontinuous};
const char* trait_name(Trait);  // "elementwise", "order_comparison", ...

// Dtype and shape of a value: what shape/dtype inference and the IR validator work on.
struct TensorSpec {
  DType dtype = DType::f64;
  Shape shape;
};

// Generic views of kernel operands. Values of every dtype are held in the scalar type S
// (see docs/engine.md): integers and bools as exact whole numbers.
template <class S>
struct In {
  const S* data;
  TensorSpec spec;
};
// Out refers to its spec instead of copying it: a kernel runs right after infer() wrote the
// spec, and copying 64 freshly written bytes stalled on store forwarding every op.
template <class S>
struct Out {
  S* data;
  const TensorSpec& spec;
};

// Records which side of every kink an element fell on (relu's sign, max's winner, floor's
// integer, where's condition ...). The finite-difference oracle compares the signatures of
// stencil points to the base point's and never differences across a kink. A row whose kink is
// a point (relu's 0, hypot's origin) records 0 for an element on it: a semantics profile's
// nan_at_kink reads that code.
struct Branches {
  std::vector<std::int32_t> sides;
  void add(std::int32_t side) { sides.push_back(side); }
};

template <class S>
using ForwardFn = void (*)(const OpAttrs&, const In<S>* inputs, int n_inputs, const Out<S>& out,
                           Branches* branches /* may be null */);

// Shape and dtype of the result; throws ShapeError / DTypeError naming the op and shapes.
using InferFn = TensorSpec (*)(const OpAttrs&, const TensorSpec* inputs, int n_inputs);

// Reverse mode: given the upstream gradient, one optional per input. Written with engine
// ops, so an outer tape records it (second order, R10). Only called with a value for
// inputs whose class is `differentiable`; it must return a value for each of those.
struct VjpArgs {
  const OpAttrs& attrs;
  const Tensor* inputs;
  int n_inputs;
  const Tensor& output;
  const Tensor& grad;  // same shape as output
};
using VjpFn = void (*)(const VjpArgs&, std::optional<Tensor>* grad_inputs);

// ---- optional per-op hooks ---------------------------------------------------------------

// The work of one application in elements touched, for budgets that must refuse slow graphs
// before running them. Without the hook: the elements read and written (elements_moved).
using CostFn = std::int64_t (*)(const TensorSpec* inputs, int n_inputs, const TensorSpec& output);
std::int64_t elements_moved(const TensorSpec* inputs, int n_inputs, const TensorSpec& output);

// The random draws a sampling hook may make; the caller's seeded stream is behind them, so
// that a hook's sample is reproducible from the caller's seed.
class Draw {
 public:
  virtual ~Draw() = default;
  virtual double uniform(double lo, double hi) = 0;                     // [lo, hi)
  virtual std::int64_t integer(std::int64_t lo, std::int64_t hi) = 0;   // [lo, hi]
};

// Attributes for operands `inputs`, instead of a generator's generic proposals, for an op
// whose attributes must fit its operands (or each other) in ways a blind proposal rarely hits.
using AttrSampler = OpAttrs (*)(const TensorSpec* inputs, int n_inputs, Draw& draw);

// The values (row-major, `spec.shape.numel()` of them) of a fresh operand for input `slot`,
// instead of uniform samples from the slot's Domain: for operands valid only by construction
// (a symmetric positive definite matrix for a Cholesky factorisation).
using InputSampler = std::vector<double> (*)(int slot, const TensorSpec& spec, Draw& draw);

// The shape of a fresh operand for input `slot`, given the operands chosen before it, instead
// of a generator's blind proposal, for ops whose operands must have related shapes that blind
// proposals rarely meet (square matrices, a right-hand side with the matrices' batch). At most
// `max_elements` elements.
using ShapeSampler = Shape (*)(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements,
                               Draw& draw);

// Whether an operand's values (row-major, `spec.shape.numel()` of them) for input `slot` lie in
// the op's domain where a per-element Domain cannot say it: a matrix far enough from singular
// (inverse, solve, det), one whose symmetric part is safely positive definite (cholesky).
// `margin_scale` scales the margin as for Domain::margin (the generator checks with 1,
// preconditions of shrunk graphs with 0.5): smaller is more lenient. Consumers that check
// operand domains call it on top of the Domain of every slot.
using OperandCheck = bool (*)(int slot, const TensorSpec& spec, const double* values, double margin_scale);

// ---- the row ---------------------------------------------------------------------------------

// One row of the op table. Rows are written with OpRow (below), field by field by name.
// The function pointers (infer, forwards, vjp) are what an engine runs: a mutant engine may
// hand over a copy of a row with one of them replaced.
struct OpDef {
  const char* name = "";
  const char* family = "";        // directory under engine/ops/
  int arity = 0;                  // -1: variadic (concat)
  std::vector<InputDef> inputs;   // for variadic ops: one entry, used for every input
  ResultDType result;             // the result's dtype
  const char* shape_rule = "";    // how the result's shape follows, for people: "broadcast" ...
  AttrSet attrs;                  // the OpAttrs fields it reads
  Traits traits;
  bool has_kinks = false;         // a derivative that is a convention somewhere on its domain
  const char* kinks = "";         // for people: where, and the derivative chosen there
  const char* math = "";          // one line: f and its derivative
  bool complex_step_ok = false;   // has an analytic complex extension
  // Its result leaves the graph: a new constant with no history (a value taken to the host
  // and back, tf.constant(x.numpy())). The engine makes it a constant leaf; no tape, and no
  // model of one, connects it to the operands (R6: "no path", not a cut).
  bool leaves_graph = false;
  double tolerance_factor = 1.0;  // widens FD tolerances for ill-conditioned ops (1 = none)
  InferFn infer = nullptr;
  ForwardFn<double> forward_f64 = nullptr;
  ForwardFn<c128> forward_c128 = nullptr;
  ForwardFn<Dual> forward_dual = nullptr;  // JVP: the forward evaluated on dual numbers
  ForwardFn<TermsDual> forward_terms = nullptr;  // Σ|terms| of the JVP (the tolerance model)
  VjpFn vjp = nullptr;                     // null for ops with no differentiable input
  CostFn cost = nullptr;                   // optional hooks (above)
  AttrSampler sample_attrs = nullptr;
  InputSampler sample_input = nullptr;
  ShapeSampler sample_shape = nullptr;
  OperandCheck accepts_operand = nullptr;

  const InputDef& input(int i) const {
    return inputs[arity < 0 ? 0 : static_cast<std::size_t>(i)];
  }
  // Whether the inputs' dtype facts admit operands of these dtypes (n of them; a variadic op
  // any n >= 1): each in its input's categories, each with the dtype of its same_dtype_as.
  // infer() checks dtypes to the same effect (and shapes besides); a test holds them together.
  bool accepts_dtypes(const DType* dtypes, int n) const;
  // Whether some input passes gradient.
  bool has_differentiable_input() const;
  // Whether it selects among its operands by a predicate (where): an untaken operand's own
  // VJP still runs on a zero upstream gradient, so its NaN/inf leaks into the gradient (TF).
  bool selects() const;
  // Whether some input's edge is cut on purpose (stop_gradient): the result moves with that
  // input, but to every tape it is a constant.
  bool holds_input_constant() const;
  // Elements touched by one application: `cost` or the elements read and written.
  std::int64_t work(const TensorSpec* inputs, int n_inputs, const TensorSpec& output) const;
  // The result's dtype rule for people: "bool", "i32", "dtype of x", "the dtype attribute".
  std::string result_dtype_text() const;
  template <class S>
  ForwardFn<S> forward() const;
};

// Builds a row, field by field by name (C++17 has no designated initializers):
//   extern const OpDef op_relu = OpRow("relu", "unary")
//       .input(OpInput("x"))
//       .result(ResultDType::of_input(0))
//       .traits(Trait::elementwise)
//       ...
//       .rules(&infer, TC_FORWARDS(forward), &vjp);
class OpInput {
 public:
  explicit OpInput(const char* name) { def_.name = name; }
  OpInput& dtypes(DTypes d) { return def_.dtypes = d, *this; }
  OpInput& same_dtype_as(int input) { return def_.same_dtype_as = input, *this; }
  OpInput& grad(InputGrad g) { return def_.grad = g, *this; }
  OpInput& domain(Domain d) { return def_.domain = std::move(d), *this; }
  OpInput& edges(Edges e) { return def_.edges = e, *this; }
  const InputDef& def() const { return def_; }

 private:
  InputDef def_;
};

class OpRow {
 public:
  OpRow(const char* name, const char* family) {
    def_.name = name;
    def_.family = family;
  }
  // The next input; an input with same_dtype_as takes that input's categories.
  OpRow& input(const OpInput& in);
  // The one input entry of a variadic op (every operand).
  OpRow& variadic(const OpInput& in);
  OpRow& result(ResultDType r) { return def_.result = r, *this; }
  // The edge points of every input (an op whose inputs share them: maximum's ties, relu's 0).
  OpRow& edges(Edges e) {
    for (InputDef& in : def_.inputs) in.edges = e;
    return *this;
  }
  OpRow& shape_rule(const char* s) { return def_.shape_rule = s, *this; }
  OpRow& attrs(AttrSet a) { return def_.attrs = a, *this; }
  OpRow& traits(Traits t) { return def_.traits = t, *this; }
  // One more trait beside those a family's row sets (floor_mod: a binary row that jumps).
  OpRow& with_trait(Trait t) { return def_.traits = def_.traits | t, *this; }
  // A kink: a point where the derivative is a convention, and which one (for people).
  OpRow& kinks(const char* where) { return def_.has_kinks = true, def_.kinks = where, *this; }
  OpRow& math(const char* m) { return def_.math = m, *this; }
  OpRow& complex_step_ok() { return def_.complex_step_ok = true, *this; }
  OpRow& leaves_graph() { return def_.leaves_graph = true, *this; }
  OpRow& tolerance_factor(double f) { return def_.tolerance_factor = f, *this; }
  OpRow& cost(CostFn f) { return def_.cost = f, *this; }
  OpRow& sample_attrs(AttrSampler f) { return def_.sample_attrs = f, *this; }
  OpRow& sample_input(InputSampler f) { return def_.sample_input = f, *this; }
  OpRow& sample_shape(ShapeSampler f) { return def_.sample_shape = f, *this; }
  OpRow& accepts_operand(OperandCheck f) { return def_.accepts_operand = f, *this; }
  // What the VJP's gradient for input `input` reads (the one entry of a variadic op: 0).
  OpRow& vjp_reads(int input, std::vector<VjpRead> reads);
  // What the engine runs: the shape/dtype rule, the forward kernels (TC_FORWARDS(fn)) and
  // the VJP (null for ops with no differentiable input).
  OpRow& rules(InferFn infer, ForwardFn<double> f64, ForwardFn<c128> c128_fn, ForwardFn<Dual> dual,
               ForwardFn<TermsDual> terms, VjpFn vjp = nullptr);
  operator OpDef() const { return def_; }  // NOLINT: a row is written as an OpRow

 private:
  OpDef def_;
};

template <>
inline ForwardFn<double> OpDef::forward<double>() const { return forward_f64; }
template <>
inline ForwardFn<c128> OpDef::forward<c128>() const { return forward_c128; }
template <>
inline ForwardFn<Dual> OpDef::forward<Dual>() const { return forward_dual; }
template <>
inline ForwardFn<TermsDual> OpDef::forward<TermsDual>() const { return forward_terms; }

}  // namespace tc
