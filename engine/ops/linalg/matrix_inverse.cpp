// matrix_inverse(a): Y = A⁻¹ for each matrix of a [..., n, n] (tf.linalg.inv).
// From A·Y = I: dY = -Y·dA·Y, so ∂L/∂A = -Yᵀ·G·Yᵀ (TF's _MatrixInverseGrad), written with
// matmuls that read the output transposed: an outer tape records them (second order).
// Edge: a singular matrix (an exact zero pivot of LU with partial pivoting) is an error naming
// the matrix, as TF's "Input is not invertible"; near-singular ones are outside the domain:
// the row's sampling hook builds strictly diagonally dominant matrices and its operand check
// refuses condition numbers above 100 (linalg/factor.hpp), so differences stay meaningful.
// LU pivots on real parts, so the complex-step and dual evaluations follow the same steps.
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/factor.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const auto p = kernel::plan_square("matrix_inverse", in[0].spec.shape);
  const std::int64_t n = p.n;
  kernel::for_each_lu(p, in[0].data, [&](std::int64_t b, const std::vector<S>& lu,
                                         const std::vector<std::int64_t>& perm, int parity, bool factored) {
    if (!factored) throw Error("matrix_inverse: matrix " + std::to_string(b) + " of the batch is singular");
    if (branches) branches->add(kernel::det_sign(lu.data(), n, parity));
    S* y = out.data + b * n * n;
    for (std::int64_t i = 0; i < n * n; ++i) y[i] = S(i / n == i % n ? 1 : 0);
    kernel::lu_solve(lu.data(), perm, n, y, n);
  });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("matrix_inverse", n, 1);
  kernel::expect_floating("matrix_inverse", in[0], 0);
  kernel::plan_square("matrix_inverse", in[0].shape);
  return in[0];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& y = a.output;
  g[0] = neg(matmul(matmul(y, a.grad, /*transpose_a=*/true), y, false, /*transpose_b=*/true));
}

std::int64_t cost(const TensorSpec* in, int n, const TensorSpec& out) {
  const Shape& s = in[0].shape;
  return elements_moved(in, n, out) * (s.rank() >= 1 ? std::max<std::int64_t>(s[s.rank() - 1], 1) : 1);
}

}  // namespace

extern const OpDef op_matrix_inverse = OpRow("matrix_inverse", "linalg")
    .input(OpInput("a")).result(ResultDType::of_input(0))
    .shape_rule("[..., n, n] -> [..., n, n]").traits(Trait::linalg)
    .math("Y = A^-1; dA = -Y^T G Y^T")
    .complex_step_ok().cost(&cost)
    .sample_shape(&sample_matrix_shape).sample_input(&sample_invertible).accepts_operand(&accepts_invertible)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor matrix_inverse(const Tensor& a) { return apply_op(op_matrix_inverse, {a}); }

}  // namespace tc
