// The facts every op of a kind shares, stated once (as JAX's standard_unop(_float, 'exp')):
// each op's row (engine/ops/<family>/<op>.cpp) starts from its kind's row and adds its own
// facts — kinks, math, attributes, complex-step eligibility, tolerance — and rules.
#pragma once
#include "engine/ops/op_def.hpp"

namespace tc {

// x: float -> x's dtype and shape, element by element.
inline OpRow unary_float_row(const char* name, Domain x = {}) {
  return OpRow(name, "unary").input(OpInput("x").domain(std::move(x)))
      .result(ResultDType::of_input(0)).shape_rule("same").traits(Trait::elementwise);
}

// x: float, element by element, with a kink at 0 whose derivative `kinks` states: zeros are
// edge points, each side is analytic (complex step applies), and the VJP reads the upstream
// and x `how` (through a mask: piecewise; or smoothly).
inline OpRow kink_at_zero_row(const char* name, const char* kinks, Dependence how) {
  return unary_float_row(name).edges(Edges::zero).kinks(kinks).complex_step_ok()
      .vjp_reads(0, {reads::upstream, reads::self(how)});
}

// Two float operands of one dtype -> the first's dtype, broadcast together, element by element.
inline OpRow binary_float_row(const char* name, OpInput first, OpInput second) {
  return OpRow(name, "binary").input(std::move(first)).input(std::move(second).same_dtype_as(0))
      .result(ResultDType::of_input(0)).shape_rule("broadcast")
      .traits(Trait::elementwise | Trait::broadcasts);
}
// a, b: as above.
inline OpRow binary_float_row(const char* name, Domain a = {}, Domain b = {}) {
  return binary_float_row(name, OpInput("a").domain(std::move(a)), OpInput("b").domain(std::move(b)));
}

// y, dy: float, one dtype -> y's dtype, broadcast: another op's VJP as one op, from that op's
// saved output y (drawn from `y`'s domain) and the upstream gradient dy (TF's TanhGrad,
// SigmoidGrad). Linear in dy: its partial is the derivative written in y, which it reads
// smoothly; what the partial for y reads is each op's own.
inline OpRow output_grad_row(const char* name, Domain y) {
  return binary_float_row(name, OpInput("y").domain(std::move(y)), OpInput("dy"))
      .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::smooth)});
}

// x: float -> x's dtype, reduced over `axes` (all if empty; kept as size 1 with keepdims).
inline OpRow reduction_row(const char* name) {
  return OpRow(name, "reduce").input(OpInput("x")).result(ResultDType::of_input(0))
      .shape_rule("reduced over axes (kept as 1 with keepdims)")
      .attrs(Attr::axes | Attr::keepdims).traits(Trait::reduction);
}

// x: float -> x's dtype and shape, every element depending on its whole row along `axis`.
inline OpRow normalization_row(const char* name) {
  return OpRow(name, "nn").input(OpInput("x")).result(ResultDType::of_input(0)).shape_rule("same")
      .attrs(Attr::axis).traits(Trait::normalization);
}

// x: any dtype -> the index (i32) of an extremum along `axis`; piecewise constant: no gradient.
inline OpRow index_reduction_row(const char* name) {
  return OpRow(name, "nondiff")
      .input(OpInput("x").dtypes(DTypes::any).grad(InputGrad::non_differentiable))
      .result(ResultDType::always(DType::i32)).shape_rule("axis removed").attrs(Attr::axis)
      .traits(Trait::reduction);
}

// x: float, rounded to an integer: piecewise constant (no gradient), jumping at the points
// `x`'s domain keeps a margin from.
inline OpRow rounding_row(const char* name, Domain x) {
  return OpRow(name, "nondiff").input(OpInput("x").grad(InputGrad::non_differentiable).domain(std::move(x)))
      .result(ResultDType::of_input(0)).shape_rule("same").traits(Trait::elementwise | Trait::discontinuous);
}

// a, b: one dtype (any) -> bool, broadcast; `kind` is Trait::order_comparison or
// Trait::equality_comparison. The result jumps where a = b: no gradient (R4).
inline OpRow comparison_row(const char* name, Trait kind) {
  return OpRow(name, "nondiff")
      .input(OpInput("a").dtypes(DTypes::any).grad(InputGrad::non_differentiable))
      .input(OpInput("b").same_dtype_as(0).grad(InputGrad::non_differentiable))
      .result(ResultDType::always(DType::boolean)).shape_rule("broadcast")
      .traits(Trait::elementwise | Trait::broadcasts | kind)
      .kinks("a = b: the result jumps; the gradient is None everywhere (R4)");
}

// Bool operands (`arity` of them: a, b broadcast together; or x), no gradient -> bool.
inline OpRow logical_row(const char* name, int arity) {
  OpRow row(name, "nondiff");
  if (arity == 1) row.input(OpInput("x").dtypes(DTypes::boolean).grad(InputGrad::non_differentiable));
  else row.input(OpInput("a").dtypes(DTypes::boolean).grad(InputGrad::non_differentiable))
      .input(OpInput("b").same_dtype_as(0).grad(InputGrad::non_differentiable));
  return row.result(ResultDType::always(DType::boolean)).shape_rule(arity == 1 ? "same" : "broadcast")
      .traits(arity == 1 ? Traits(Trait::elementwise) | Trait::logical
                         : Trait::elementwise | Trait::broadcasts | Trait::logical);
}

// Operands of a layout op (any dtype) -> x's dtype, the elements moved as `shape_rule` says.
inline OpRow layout_row(const char* name, const char* family, const char* shape_rule) {
  return OpRow(name, family).input(OpInput("x").dtypes(DTypes::any)).result(ResultDType::of_input(0))
      .shape_rule(shape_rule).traits(Trait::shape);
}

}  // namespace tc
