// log_abs_det(a): log |det A| for each matrix of a [..., n, n] (the second result of
// tf.linalg.slogdet; torch.linalg.slogdet's logabsdet), Σ log |u_ii| over the LU pivots,
// which neither overflows nor underflows where det itself would.
// d log|det A| = tr(A⁻¹ dA), so ∂L/∂A = g · A⁻ᵀ (TF's _LogMatrixDeterminantGrad), written
// with matrix_inverse, so an outer tape records it.
// Edge: at a singular matrix the value is -inf and the gradient does not exist: the domain
// keeps such matrices out (sampled diagonally dominant, condition ≤ 100: linalg/factor.hpp).
// |u| is taken as u or -u by the sign of its real part, so the complex-step and dual
// evaluations differentiate the same branch of the logarithm (log|u| is smooth away from 0).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/factor.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  using std::log;
  const auto p = kernel::plan_square("log_abs_det", in[0].spec.shape);
  kernel::for_each_lu(p, in[0].data, [&](std::int64_t b, const std::vector<S>& lu, const std::vector<std::int64_t>&,
                                         int parity, bool factored) {
    if (branches) branches->add(factored ? kernel::det_sign(lu.data(), p.n, parity) : 0);
    S sum(factored ? 0 : -INFINITY);
    for (std::int64_t i = 0; factored && i < p.n; ++i) {
      const S u = lu[static_cast<std::size_t>(i * p.n + i)];
      sum += log(real_part(u) < 0 ? -u : u);
    }
    out.data[b] = sum;
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("log_abs_det", n, 1);
  kernel::expect_floating("log_abs_det", in[0], 0);
  kernel::plan_square("log_abs_det", in[0].shape);
  return {in[0].dtype, in[0].shape.prefix(in[0].shape.rank() - 2)};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor scale = expand_dims(expand_dims(a.grad, -1), -1);
  g[0] = mul(scale, matrix_transpose(matrix_inverse(a.inputs[0])));
}

}  // namespace

extern const OpDef op_log_abs_det = OpRow("log_abs_det", "linalg").input(OpInput("a"))
    .result(ResultDType::of_input(0)).shape_rule("[..., n, n] -> [...]").traits(Trait::linalg)
    .math("y = log|det A|; dA = g A^-T")
    .complex_step_ok()
    .sample_shape(&sample_matrix_shape).sample_input(&sample_invertible).accepts_operand(&accepts_invertible)
    .vjp_reads(0, {reads::upstream, reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor log_abs_det(const Tensor& a) { return apply_op(op_log_abs_det, {a}); }

}  // namespace tc
