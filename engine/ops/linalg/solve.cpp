// solve(a, b): X with A·X = B for each matrix A of a [..., n, n] and B of b [..., n, k], one
// batch shape for both (tf.linalg.solve), by LU with partial pivoting.
// From A·X = B: dX = A⁻¹(dB - dA·X), so ∂L/∂B = A⁻ᵀ·G = solve(Aᵀ, G) and
// ∂L/∂A = -(∂L/∂B)·Xᵀ (TF's _MatrixSolveGrad), written with solve, matmul and
// matrix_transpose: an outer tape records them (second order).
// Exactness: where B equals A entry for entry (solve(x, x), which generators build), X is I
// exactly, as it is mathematically: LU would give I + O(u), and that rounding's derivative,
// made of terms that cancel inside this one op, is noise no oracle can bound (the same
// reason quotient() in scalar.hpp is exact for x/x). On every scalar type, so the three
// evaluations agree: the tangent of I is exactly 0.
// Edge: a singular A (an exact zero pivot) is an error naming the matrix, as TF's "Input
// matrix is not invertible"; near-singular ones are outside the domain (sampled diagonally
// dominant, condition ≤ 100: linalg/factor.hpp).
#include <algorithm>
#include <string>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/linalg/factor.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/unary/unary.hpp"

namespace tc {
namespace {

struct Plan {
  std::int64_t batch, n, k;
};

Plan plan(const Shape& a, const Shape& b) {
  const auto p = kernel::plan_square("solve", a);
  if (b.rank() != a.rank() || b[b.rank() - 2] != p.n || b.prefix(b.rank() - 2) != a.prefix(a.rank() - 2))
    throw ShapeError("solve: right-hand side " + b.str() + " does not match matrices " + a.str() +
                     " (expected [..., n, k] with the same batch)");
  return {p.batch, p.n, b[b.rank() - 1]};
}

template <class S>
bool same(const S& a, const S& b) {
  return a == b;
}
bool same(const Dual& a, const Dual& b) { return a.v == b.v && a.d == b.d; }
bool same(const TermsDual& a, const TermsDual& b) { return a.v == b.v && a.d == b.d; }

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const Plan p = plan(in[0].spec.shape, in[1].spec.shape);
  const std::int64_t n = p.n, k = p.k;
  kernel::for_each_lu(kernel::SquareBatch{p.batch, n}, in[0].data,
                      [&](std::int64_t b, const std::vector<S>& lu, const std::vector<std::int64_t>& perm, int parity,
                          bool factored) {
                        if (!factored) throw Error("solve: matrix " + std::to_string(b) + " of the batch is singular");
                        if (branches) branches->add(kernel::det_sign(lu.data(), n, parity));
                        const S* a = in[0].data + b * n * n;
                        const S* rhs = in[1].data + b * n * k;
                        S* x = out.data + b * n * k;
                        if (k == n && std::equal(a, a + n * n, rhs, [](const S& u, const S& v) { return same(u, v); })) {
                          for (std::int64_t i = 0; i < n * n; ++i) x[i] = S(i / n == i % n ? 1 : 0);
                          return;
                        }
                        std::copy(rhs, rhs + n * k, x);
                        kernel::lu_solve(lu.data(), perm, n, x, k);
                      });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("solve", n, 2);
  kernel::expect_same_floating("solve", in, 0, 1);
  plan(in[0].shape, in[1].shape);
  return in[1];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor gb = solve(matrix_transpose(a.inputs[0]), a.grad);
  g[1] = gb;
  g[0] = neg(matmul(gb, a.output, false, /*transpose_b=*/true));
}

}  // namespace

extern const OpDef op_solve = OpRow("solve", "linalg").input(OpInput("a")).input(OpInput("b").same_dtype_as(0))
    .result(ResultDType::of_input(1)).shape_rule("[..., n, n], [..., n, k] -> [..., n, k]").traits(Trait::linalg)
    .math("X = A^-1 B; dB = A^-T G, dA = -dB X^T")
    .complex_step_ok()
    .sample_shape(&sample_matrix_shape).sample_input(&sample_invertible).accepts_operand(&accepts_invertible)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::linear), reads::self(Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor solve(const Tensor& a, const Tensor& b) { return apply_op(op_solve, {a, b}); }

}  // namespace tc
