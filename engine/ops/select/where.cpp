// where(cond, a, b) = cond ? a : b element-wise; cond (bool), a and b broadcast together
// (TF2's tf.where). cond is not differentiable (R4): its class is `none`.
// ∂y/∂a = [cond], ∂y/∂b = [!cond]: the VJP is where(cond, g, 0) for a and where(cond, 0, g)
// for b, each unbroadcast to its input — written with where itself, so it is recorded.
// Branches: one entry per element, 1 where cond holds (a taken), 0 where b is taken.
// NaN leak (TF's behaviour, SEMANTICS "NaN/Inf"): the untaken branch receives a zero
// upstream gradient, but its own VJP still runs, and 0·inf or 0·NaN there is NaN: e.g.
// d/dx where(x > 0, x, log(x)) at x = 0 is NaN although log(0) was never selected. The
// usual remedy is to make the untaken branch's input safe (the "double where" trick).
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/grad_util.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/select/select.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  kernel::for_each_broadcast<3>(
      out.spec.shape, {&in[0].spec.shape, &in[1].spec.shape, &in[2].spec.shape},
      [&](std::int64_t i, const std::array<std::int64_t, 3>& o) {
        const bool take_a = real_part(in[0].data[o[0]]) != 0;
        if (branches) branches->add(take_a ? 1 : 0);
        out.data[i] = take_a ? in[1].data[o[1]] : in[2].data[o[2]];
      });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("where", n, 3);
  if (in[0].dtype != DType::boolean)
    throw DTypeError("where: cond has dtype " + std::string(dtype_name(in[0].dtype)) +
                     ", expected bool");
  if (in[1].dtype != in[2].dtype)
    throw DTypeError("where: dtypes " + std::string(dtype_name(in[1].dtype)) + " and " +
                     std::string(dtype_name(in[2].dtype)) + " of a and b differ");
  const Shape ab = broadcast_shapes(in[1].shape, in[2].shape, "where");
  try {
    return {in[1].dtype, broadcast_shapes(in[0].shape, ab, "where")};
  } catch (const ShapeError&) {
    throw ShapeError("where: cond " + in[0].shape.str() + " does not broadcast with a " +
                     in[1].shape.str() + " and b " + in[2].shape.str());
  }
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& cond = a.inputs[0];
  const Tensor zero = scalar_like(a.grad, 0);
  g[1] = unbroadcast(where(cond, a.grad, zero), a.inputs[1].shape());
  g[2] = unbroadcast(where(cond, zero, a.grad), a.inputs[2].shape());
}

}  // namespace

extern const OpDef op_where = OpRow("where", "select")
    .input(OpInput("cond").dtypes(DTypes::boolean).grad(InputGrad::predicate).domain({0, 1}))
    .input(OpInput("a").dtypes(DTypes::any)).input(OpInput("b").same_dtype_as(1))
    .result(ResultDType::of_input(1)).shape_rule("broadcast").traits(Trait::elementwise | Trait::broadcasts)
    .kinks("every element: the gradient goes wholly to the taken operand, zero (not None) to the "
           "other; a NaN/inf in the untaken branch's own VJP leaks as NaN (0 * inf), as in TF")
    .math("y = cond ? a : b; da = where(cond, g, 0), db = where(cond, 0, g)")
    .complex_step_ok()
    .vjp_reads(1, {reads::upstream})
    .vjp_reads(2, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  return apply_op(op_where, {cond, a, b});
}

}  // namespace tc
