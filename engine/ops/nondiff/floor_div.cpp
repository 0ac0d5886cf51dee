// floor_div(a, b) = floor(a/b), broadcast, for floats and integers of one dtype (tf.math.floordiv,
// Python's //). Piecewise constant in both operands: TF registers FloorDiv as not
// differentiable, so both inputs are cut (None, R4) — the "integer part" whose companion
// floor_mod (binary/floor_mod.cpp) carries the gradient. An integer division by zero is an
// error (as TF's "Integer division by zero"); a float one gives ±inf or NaN. The sampling
// domain keeps |b| >= 0.3. Branches: the integer value, like floor.
#include <cmath>
#include <string>

#include "engine/ops/kernel.hpp"
#include "engine/ops/nondiff/nondiff.hpp"
#include "engine/ops/nondiff/nondiff_kernel.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const bool integer = in[0].spec.dtype == DType::i32;
  kernel::binary(in[0], in[1], out, [&](S a, S b) {
    const double ra = real_part(a), rb = real_part(b);
    if (integer && rb == 0) throw Error("floor_div: integer division by zero");
    const double v = std::floor(ra / rb);
    if (branches) branches->add(kernel::integer_side(v));
    return S(v);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("floor_div", n, 2);
  for (int i = 0; i < 2; ++i)
    if (in[i].dtype == DType::boolean)
      throw DTypeError("floor_div: input " + std::to_string(i) + " has dtype bool, expected f32, f64 or i32");
  return kernel::infer_binary_same_dtype("floor_div", in, n, in[0].dtype);
}

}  // namespace

extern const OpDef op_floor_div = OpRow("floor_div", "nondiff")
    .input(OpInput("a").dtypes(DTypes::floating | DTypes::integer).grad(InputGrad::non_differentiable))
    .input(OpInput("b").same_dtype_as(0).grad(InputGrad::non_differentiable).domain({-3, 3, {0}, 0.3}))
    .result(ResultDType::of_input(0)).shape_rule("broadcast")
    .traits(Trait::elementwise | Trait::broadcasts | Trait::discontinuous)
    .kinks("a/b an integer: jumps by 1; the gradient is None everywhere (TF: FloorDiv is not differentiable)")
    .math("y = floor(a/b); gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor floor_div(const Tensor& a, const Tensor& b) { return apply_op(op_floor_div, {a, b}); }

}  // namespace tc
