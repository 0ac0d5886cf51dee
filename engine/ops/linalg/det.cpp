// det(a): the determinant of each matrix of a [..., n, n] (tf.linalg.det), as the product of
// the LU pivots times the sign of the row permutation.
// Jacobi's formula: d det A = det A · tr(A⁻¹ dA), so ∂L/∂A = g · det A · A⁻ᵀ (TF's
// _MatrixDeterminantGrad), written with matrix_inverse, so an outer tape records it.
// Edge: at a singular matrix det = 0 and the gradient is the adjugate, which A⁻ᵀ cannot give
// (TF's gradient fails there too); the domain keeps such matrices out: the row samples
// diagonally dominant matrices and refuses condition numbers above 100 (linalg/factor.hpp).
// A matrix whose LU meets an exact zero pivot has determinant 0 (no error: det is defined).
#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/factor.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/shape.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const auto p = kernel::plan_square("det", in[0].spec.shape);
  kernel::for_each_lu(p, in[0].data, [&](std::int64_t b, const std::vector<S>& lu, const std::vector<std::int64_t>&,
                                         int parity, bool factored) {
    S d(factored ? parity : 0);
    for (std::int64_t i = 0; factored && i < p.n; ++i) d *= lu[static_cast<std::size_t>(i * p.n + i)];
    out.data[b] = d;
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("det", n, 1);
  kernel::expect_floating("det", in[0], 0);
  kernel::plan_square("det", in[0].shape);
  return {in[0].dtype, in[0].shape.prefix(in[0].shape.rank() - 2)};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor scale = expand_dims(expand_dims(mul(a.grad, a.output), -1), -1);
  g[0] = mul(scale, matrix_transpose(matrix_inverse(a.inputs[0])));
}

}  // namespace

extern const OpDef op_det = OpRow("det", "linalg").input(OpInput("a")).result(ResultDType::of_input(0))
    .shape_rule("[..., n, n] -> [...]").traits(Trait::linalg)
    .math("y = det A; dA = g y A^-T")
    .complex_step_ok()
    .sample_shape(&sample_matrix_shape).sample_input(&sample_invertible).accepts_operand(&accepts_invertible)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::linear), reads::self(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor det(const Tensor& a) { return apply_op(op_det, {a}); }

}  // namespace tc
