// argsort(x; axis, descending): the positions (i32) that sort x along `axis`, so that sort(x)
// is x gathered at them (tf.argsort; stable, so ties keep their index order — which
// tf.argsort(stable=True) guarantees and its default, built on top_k, gives too). Integer
// output: no gradient (R3/R4), the input is cut. Every position is recorded in Branches:
// where the result jumps (at ties), no difference stencil crosses. NaN sorts last ascending.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/sort/sort.hpp"
#include "engine/ops/sort/sort_plan.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const auto p = kernel::plan_lanes("argsort", in[0].spec.shape, a.axis);
  const auto src = kernel::sorted_sources(in[0].data, p, a.descending, p.n, branches);
  for (std::size_t k = 0; k < src.size(); ++k) out.data[k] = S(static_cast<double>((src[k] / p.inner) % p.n));
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("argsort", n, 1);
  if (in[0].dtype == DType::boolean)
    throw DTypeError("argsort: input 0 has dtype bool, expected f32, f64 or i32");
  kernel::plan_lanes("argsort", in[0].shape, a.axis);
  return {DType::i32, in[0].shape};
}

}  // namespace

extern const OpDef op_argsort = OpRow("argsort", "sort")
    .input(OpInput("x").dtypes(DTypes::floating | DTypes::integer).grad(InputGrad::non_differentiable))
    .result(ResultDType::always(DType::i32)).shape_rule("same").attrs(Attr::axis | Attr::descending)
    .kinks("ties: stable (the lower index first); the result jumps where entries cross, gradient None (R4)")
    .math("y = the sorting permutation along axis (i32); gradient None")
    .rules(&infer, TC_FORWARDS(forward));

Tensor argsort(const Tensor& x, std::int64_t axis, bool descending) {
  OpAttrs a;
  a.axis = axis;
  a.descending = descending;
  return apply_op(op_argsort, {x}, std::move(a));
}

}  // namespace tc
