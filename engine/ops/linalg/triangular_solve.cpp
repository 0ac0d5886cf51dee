// triangular_solve(a, b; lower): X with T·X = B, where T is the lower (lower = true) or upper
// triangle of each matrix of a [..., n, n], diagonal included; the other triangle is not read
// (tf.linalg.triangular_solve). b is [..., n, k] with a's batch shape.
// ∂L/∂B = T⁻ᵀ·G = triangular_solve(Tᵀ, G, !lower), and ∂L/∂A = -(∂L/∂B)·Xᵀ restricted to
// the triangle read: entries the op never reads get gradient 0 (TF's
// _MatrixTriangularSolveGrad takes the band part). Written with engine ops (the triangle as a
// constant 0/1 mask), so an outer tape records it.
// Edge: a zero diagonal entry makes T singular (division by 0, inf/NaN as TF); the domain
// keeps both triangles far from singular (linalg/factor.hpp: the op's triangle is an
// attribute the check cannot see). det T's sign is recorded in Branches (0 when singular), as
// solve and matrix_inverse record theirs: a value the f64 oracles put at 1e-8 can be exactly
// 0 in an f32 engine (soak graph 957996: norm(x) + (−norm(x) rounded to f32) on the diagonal),
// and the kink probe then sees the singular point within rounding of the base point.
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
  const auto p = kernel::plan_square("triangular_solve", a);
  if (b.rank() != a.rank() || b[b.rank() - 2] != p.n || b.prefix(b.rank() - 2) != a.prefix(a.rank() - 2))
    throw ShapeError("triangular_solve: right-hand side " + b.str() + " does not match matrices " + a.str() +
                     " (expected [..., n, k] with the same batch)");
  return {p.batch, p.n, b[b.rank() - 1]};
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches* branches) {
  const Plan p = plan(in[0].spec.shape, in[1].spec.shape);
  const std::int64_t n = p.n, k = p.k;
  for (std::int64_t b = 0; b < p.batch; ++b) {
    if (branches) branches->add(kernel::det_sign(in[0].data + b * n * n, n, 1));
    S* x = out.data + b * n * k;
    std::copy(in[1].data + b * n * k, in[1].data + (b + 1) * n * k, x);
    kernel::triangular_solve_in_place(in[0].data + b * n * n, n, a.lower, x, k);
  }
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("triangular_solve", n, 2);
  kernel::expect_same_floating("triangular_solve", in, 0, 1);
  plan(in[0].shape, in[1].shape);
  return in[1];
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& t = a.inputs[0];
  const bool lower = a.attrs.lower;
  const Tensor gb = triangular_solve(matrix_transpose(t), a.grad, !lower);
  g[1] = gb;
  const std::int64_t n = t.shape()[t.shape().rank() - 1];
  std::vector<double> read(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) read[static_cast<std::size_t>(i * n + j)] = (lower ? j <= i : j >= i) ? 1 : 0;
  g[0] = mul(neg(matmul(gb, a.output, false, /*transpose_b=*/true)), Tensor::constant(std::move(read), Shape{n, n}, t.dtype()));
}

}  // namespace

extern const OpDef op_triangular_solve = OpRow("triangular_solve", "linalg")
    .input(OpInput("a")).input(OpInput("b").same_dtype_as(0)).result(ResultDType::of_input(1))
    .shape_rule("[..., n, n], [..., n, k] -> [..., n, k]").attrs(Attr::lower).traits(Trait::linalg)
    .math("X = T^-1 B, T = a's lower (or upper) triangle; dB = T^-T G, dA = -(dB X^T) on that triangle")
    .complex_step_ok()
    .sample_shape(&sample_matrix_shape).sample_input(&sample_invertible).accepts_operand(&accepts_triangular)
    .vjp_reads(0, {reads::upstream, reads::output(Dependence::linear), reads::self(Dependence::smooth)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::smooth)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor triangular_solve(const Tensor& a, const Tensor& b, bool lower) {
  OpAttrs attrs;
  attrs.lower = lower;
  return apply_op(op_triangular_solve, {a, b}, std::move(attrs));
}

}  // namespace tc
