// Shared by reduce_any and reduce_all (included by their .cpp files only): the bool
// reduction kernel, its shape/dtype rule and its row.
#pragma once
#include <string>

#include "engine/ops/reduce/reduce_plan.hpp"

namespace tc {

namespace kernel {

// y = ∨ (or ∧ with `all`) over each group; decided on real parts, the result a constant.
template <class S>
void reduce_logical(const char* op, const OpAttrs& a, const In<S>& x, const Out<S>& out, bool all) {
  const auto p = plan_reduce(op, x.spec.shape, a.axes, a.keepdims);
  const std::int64_t n = out.spec.shape.numel();
  for (std::int64_t i = 0; i < n; ++i) out.data[i] = S(all ? 1 : 0);
  for_each_reduced(x.spec.shape, p, [&](std::int64_t i, std::int64_t o) {
    const bool v = real_part(x.data[i]) != 0;
    if (all ? !v : v) out.data[o] = S(all ? 0 : 1);
  });
}

inline TensorSpec infer_reduce_logical(const char* op, const OpAttrs& a, const TensorSpec* in, int n) {
  expect_arity(op, n, 1);
  if (in[0].dtype != DType::boolean)
    throw DTypeError(std::string(op) + ": input 0 has dtype " + std::string(dtype_name(in[0].dtype)) +
                     ", expected bool");
  return {DType::boolean, plan_reduce(op, in[0].shape, a.axes, a.keepdims).out};
}

}  // namespace kernel

// x: bool -> bool, reduced over `axes`; no gradient.
inline OpRow logical_reduction_row(const char* name) {
  return OpRow(name, "reduce")
      .input(OpInput("x").dtypes(DTypes::boolean).grad(InputGrad::non_differentiable))
      .result(ResultDType::always(DType::boolean))
      .shape_rule("reduced over axes (kept as 1 with keepdims)")
      .attrs(Attr::axes | Attr::keepdims).traits(Trait::reduction | Trait::logical);
}

}  // namespace tc
