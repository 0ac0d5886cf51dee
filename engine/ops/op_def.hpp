// The op table's row type. Every consumer — engine, graph IR and .tcg parser, generators,
// fuzzers, oracles, reports, `tapecheck ops` — reads ops from the one table (op_table.hpp);
// nothing else lists ops.
#pragma once
#include <complex>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/dtype.hpp"
#include "engine/core/scalar.hpp"
#include "engine/core/shape.hpp"

namespace tc {

class Tensor;

// Attributes an op may take. Each op names the ones it reads in OpDef::attrs; the .tcg
// format spells them `name=value` with the same names.
struct OpAttrs {
  std::vector<std::int64_t> axes;   // reductions (empty = all axes), squeeze (empty = all 1s)
  bool keepdims = false;            // reductions
  std::int64_t axis = 0;            // concat, gather, softmax, log_softmax, argmax/argmin, expand_dims
  std::vector<std::int64_t> perm;   // transpose (empty = reverse)
  std::vector<std::int64_t> shape;  // reshape (one -1 allowed), broadcast_to
  std::vector<std::int64_t> begin;  // slice
  std::vector<std::int64_t> size;   // slice (-1 = to the end)
  double alpha = 0.2;               // leaky_relu slope, elu scale
  double lo = 0.0, hi = 1.0;        // clip_by_value bounds
  DType dtype = DType::f32;         // cast destination
  friend bool operator==(const OpAttrs&, const OpAttrs&);
};

// What an input contributes to the gradient (SEMANTICS R4–R6).
enum class GradClass : std::uint8_t {
  differentiable,  // the VJP returns a value (possibly zero) for this input
  none,            // no gradient flows: the edge is cut (round, argmax, stop_gradient, where's cond)
  integer,         // an integer index input (gather indices): never a gradient
};
const char* grad_class_name(GradClass);

// Inputs are sampled from [lo, hi]; `away_from` lists points to keep a margin from (poles,
// log(0), tan's asymptotes ...). Generators and fuzzers read this.
struct Domain {
  double lo = -3.0, hi = 3.0;
  std::vector<double> away_from;
  double margin = 0.0;
};

struct InputDef {
  const char* name;
  GradClass grad = GradClass::differentiable;
  Domain domain{};
};

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
// stencil points to the base point's and never differences across a kink.
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

// One row of the op table.
struct OpDef {
  const char* name;
  const char* family;              // directory under engine/ops/
  int arity;                       // -1: variadic (concat)
  std::vector<InputDef> inputs;    // for variadic ops: one entry, used for every input
  const char* attrs;               // comma-separated OpAttrs fields it reads, "" if none
  const char* dtype_rule;          // human-readable, e.g. "float -> same"
  const char* kinks;               // "" if smooth everywhere on its domain; else where and the
                                   // derivative chosen there, e.g. "x = 0: relu'(0) = 0"
  const char* math;                // one line: f and its derivative
  bool complex_step_ok;            // has an analytic complex extension
  double tolerance_factor;         // widens FD tolerances for ill-conditioned ops (1 = none)
  InferFn infer;
  ForwardFn<double> forward_f64;
  ForwardFn<c128> forward_c128;
  ForwardFn<Dual> forward_dual;    // JVP: the forward evaluated on dual numbers
  VjpFn vjp;                       // null for ops with no differentiable input

  const InputDef& input(int i) const {
    return inputs[arity < 0 ? 0 : static_cast<std::size_t>(i)];
  }
  bool takes_attr(const char* attr) const;
  template <class S>
  ForwardFn<S> forward() const;
};

template <>
inline ForwardFn<double> OpDef::forward<double>() const { return forward_f64; }
template <>
inline ForwardFn<c128> OpDef::forward<c128>() const { return forward_c128; }
template <>
inline ForwardFn<Dual> OpDef::forward<Dual>() const { return forward_dual; }

}  // namespace tc
