// matmul(a, b) = a @ b on the last two axes: y[..., i, j] = Σ_k a[..., i, k] b[..., k, j] for
// a [..., m, k] and b [..., k, n] (rank >= 2 each); the batch dimensions broadcast
// NumPy-style to the result's [batch..., m, n].
// Bilinear: ∂L/∂a = g @ bᵀ and ∂L/∂b = aᵀ @ g (ᵀ swaps the last two axes), each summed over
// the batch dimensions its input was broadcast along (unbroadcast). Both are written with
// matmul and transpose, so an outer tape records them (second order).
// The f64 kernel uses Eigen's GEMM per batch; the complex and dual kernels a plain loop.
#include <Eigen/Core>
#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/ops/binary/binary.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/linalg/linalg.hpp"

namespace tc {
namespace {

struct Plan {
  Shape batch_a, batch_b, batch;  // leading dimensions of a, b and the result
  std::int64_t m = 0, k = 0, n = 0;
};

[[noreturn]] void throw_batch_mismatch(const Shape& a, const Shape& b) {
  throw ShapeError("matmul: batch dimensions of " + a.str() + " and " + b.str() + " do not broadcast");
}

// Runs twice per op (infer, then the kernel), so it allocates nothing and takes the common
// case — equal batch dimensions, none for plain matrices — without the general broadcast.
Plan plan(const Shape& a, const Shape& b) {
  if (a.rank() < 2 || b.rank() < 2)
    throw ShapeError("matmul: inputs must have rank >= 2, got " + a.str() + " and " + b.str());
  if (a[a.rank() - 1] != b[b.rank() - 2])
    throw ShapeError("matmul: inner dimensions differ: " + a.str() + " and " + b.str());
  Plan p;
  p.batch_a = a.prefix(a.rank() - 2);
  p.batch_b = b.prefix(b.rank() - 2);
  if (p.batch_a == p.batch_b) {
    p.batch = p.batch_a;
  } else {
    try {
      p.batch = broadcast_shapes(p.batch_a, p.batch_b, "matmul");
    } catch (const ShapeError&) {
      throw_batch_mismatch(a, b);
    }
  }
  p.m = a[a.rank() - 2];
  p.k = a[a.rank() - 1];
  p.n = b[b.rank() - 1];
  return p;
}

template <class S>
void gemm(const S* a, const S* b, S* c, std::int64_t m, std::int64_t k, std::int64_t n) {
  if constexpr (std::is_same_v<S, double>) {
    using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<RowMat> C(c, m, n);
    if (k == 0) {
      C.setZero();
      return;
    }
    C.noalias() = Eigen::Map<const RowMat>(a, m, k) * Eigen::Map<const RowMat>(b, k, n);
  } else {
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        S sum(0);
        for (std::int64_t t = 0; t < k; ++t) sum += a[i * k + t] * b[t * n + j];
        c[i * n + j] = sum;
      }
  }
}

// Two matrices (the common case, in every VJP of a matmul too): no batch dimensions to plan,
// broadcast or walk. Building the plan's three batch shapes cost more than an 8×8 GEMM's
// bookkeeping.
bool two_matrices(const Shape& a, const Shape& b) { return a.rank() == 2 && b.rank() == 2 && a[1] == b[0]; }

template <class S>
void forward(const OpAttrs&, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& as = in[0].spec.shape;
  const Shape& bs = in[1].spec.shape;
  if (two_matrices(as, bs)) {
    gemm(in[0].data, in[1].data, out.data, as[0], as[1], bs[1]);
    return;
  }
  const Plan p = plan(as, bs);
  const std::int64_t sa = p.m * p.k, sb = p.k * p.n, sc = p.m * p.n;
  kernel::for_each_broadcast<2>(p.batch, {&p.batch_a, &p.batch_b},
                                [&](std::int64_t i, const std::array<std::int64_t, 2>& o) {
                                  gemm(in[0].data + o[0] * sa, in[1].data + o[1] * sb,
                                       out.data + i * sc, p.m, p.k, p.n);
                                });
}

TensorSpec infer(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("matmul", n, 2);
  kernel::expect_same_floating("matmul", in, 0, 1);
  if (two_matrices(in[0].shape, in[1].shape)) {
    Shape out = in[0].shape;
    out[1] = in[1].shape[1];
    return {in[0].dtype, out};
  }
  const Plan p = plan(in[0].shape, in[1].shape);
  return {in[0].dtype, p.batch.appended(p.m).appended(p.n)};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const Tensor& x = a.inputs[0];
  const Tensor& y = a.inputs[1];
  g[0] = unbroadcast(matmul(a.grad, matrix_transpose(y)), x.shape());
  g[1] = unbroadcast(matmul(matrix_transpose(x), a.grad), y.shape());
}

// Every (row, inner, column) triple is touched: the elements moved, times the inner dimension.
std::int64_t cost(const TensorSpec* in, int n, const TensorSpec& out) {
  const std::int64_t inner = n > 0 && in[0].shape.rank() >= 1 ? in[0].shape[in[0].shape.rank() - 1] : 1;
  return elements_moved(in, n, out) * std::max<std::int64_t>(inner, 1);
}

// Fresh operands, so that a fair share of graphs broadcast one operand over the other's batch:
// there a VJP that forgets to sum the broadcast operand's gradient over the batch shows, and
// blind shapes rarely line up that way. a: [m, k], or [B, m, k] half the time. b: a's k, and
// a third of the time each: no batch ([k, n]: broadcast over a's batch), a batch of its own
// (a's operand broadcast over it, or b's batch of one broadcast over a's), or a's batch.
Shape sample_shape(int slot, const TensorSpec* earlier, int n_earlier, std::int64_t max_elements, Draw& draw) {
  auto extent = [&] { return draw.integer(1, 3); };
  std::vector<std::int64_t> dims;
  if (slot == 0 || n_earlier == 0 || earlier[0].shape.rank() < 2) {
    if (draw.integer(0, 1) == 1) dims.push_back(draw.integer(2, 3));
    dims.push_back(extent());
    dims.push_back(extent());
  } else {
    const Shape& a = earlier[0].shape;
    const Shape a_batch = a.prefix(a.rank() - 2);
    switch (draw.integer(0, 2)) {
      case 0: break;
      case 1: dims.push_back(a_batch.rank() > 0 ? 1 : draw.integer(2, 3)); break;
      default: dims = a_batch.to_vector(); break;
    }
    dims.push_back(a[a.rank() - 1]);
    dims.push_back(extent());
  }
  while (Shape(dims).numel() > max_elements && dims.size() > 2) dims.erase(dims.begin());
  return Shape(dims);
}

}  // namespace

extern const OpDef op_matmul = OpRow("matmul", "linalg")
    .input(OpInput("a")).input(OpInput("b").same_dtype_as(0)).result(ResultDType::of_input(0))
    .shape_rule("[..., m, k] @ [..., k, n] -> [..., m, n], batch dims broadcast").traits(Trait::linalg)
    .math("y = a @ b; da = g @ b^T, db = a^T @ g (summed over broadcast batch dims)")
    .complex_step_ok().cost(&cost).sample_shape(&sample_shape)
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor matmul(const Tensor& a, const Tensor& b) { return apply_op(op_matmul, {a, b}); }

}  // namespace tc
