// trace(x): the sum of each matrix's main diagonal, x [..., m, n] -> [...]
// (tf.linalg.trace): y = Σ_{i < min(m, n)} x[..., i, i]. Linear: ∂y/∂x_ij = [i = j], so the
// VJP puts g on every diagonal entry of a zero matrix (TF's _TraceGrad: matrix_set_diag of
// zeros with g broadcast), written with broadcast_to and the constant-index scatter
// (index_map.hpp) so an outer tape records it. No kinks.
#include <algorithm>

#include "engine/ops/kernel.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/index_map.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

struct Plan {
  std::int64_t batch, m, n, k;  // k = min(m, n) diagonal entries per matrix
};

Plan plan(const Shape& x) {
  if (x.rank() < 2) throw ShapeError("trace: input must have rank >= 2, got " + x.str());
  const std::int64_t m = x[x.rank() - 2], n = x[x.rank() - 1];
  return {x.prefix(x.rank() - 2).numel(), m, n, std::min(m, n)};
}

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Plan p = plan(in[0].spec.shape);
  for (std::int64_t b = 0; b < p.batch; ++b) {
    S sum(0);
    for (std::int64_t i = 0; i < p.k; ++i) sum += in[0].data[(b * p.m + i) * p.n + i];
    out.data[b] = sum;
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("trace", n, 1);
  kernel::expect_floating("trace", in[0], 0);
  plan(in[0].shape);
  return {in[0].dtype, in[0].shape.prefix(in[0].shape.rank() - 2)};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Shape& xs = a.inputs[0].shape();
  const Plan p = plan(xs);
  std::vector<std::int64_t> spread = a.grad.shape().to_vector(), diagonal;
  spread.push_back(p.k);  // g repeated along the diagonal of its matrix
  for (std::int64_t b = 0; b < p.batch; ++b)
    for (std::int64_t i = 0; i < p.k; ++i) diagonal.push_back((b * p.m + i) * p.n + i);
  g[0] = put_flat(broadcast_to(expand_dims(a.grad, -1), spread), diagonal, xs);
}

}  // namespace

extern const OpDef op_trace = OpRow("trace", "linalg").input(OpInput("x")).result(ResultDType::of_input(0))
    .shape_rule("[..., m, n] -> [...]").traits(Trait::linalg | Trait::reduction)
    .math("y = sum_i x_ii per matrix; dx = g on the diagonal, 0 elsewhere")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor trace(const Tensor& x) { return apply_op(op_trace, {x}); }

}  // namespace tc
