// matmul(a, b) = a @ b on the last two axes: y[..., i, j] = Σ_k a[..., i, k] b[..., k, j] for
// a [..., m, k] and b [..., k, n] (rank >= 2 each); the batch dimensions broadcast
// NumPy-style to the result's [batch..., m, n]. transpose_a / transpose_b (TF's) read an
// operand with its last two axes swapped: a [..., k, m], b [..., n, k].
// Bilinear: for y = A @ B (A = a or aᵀ, B = b or bᵀ), ∂L/∂A = g @ Bᵀ and ∂L/∂B = Aᵀ @ g, then
// transposed back for a transposed operand, each summed over the batch dimensions its input
// was broadcast along (unbroadcast). Both are matmuls with transpose flags (TF's
// _MatMulGrad), so that the backward pass runs no transpose op and an outer tape records
// them (second order).
// The f64 kernel uses Eigen's product per batch (a plain loop for the small products Eigen
// would run as dot products); the complex and dual kernels the plain loop.
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
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

// The product's rows, inner dimension and columns as a and b are read (transposed or not).
struct Dims {
  std::int64_t m, k_a, k_b, n;
};
Dims dims(const Shape& a, const Shape& b, const OpAttrs& t) {
  const std::int64_t a_rows = a[a.rank() - 2], a_cols = a[a.rank() - 1];
  const std::int64_t b_rows = b[b.rank() - 2], b_cols = b[b.rank() - 1];
  return {t.transpose_a ? a_cols : a_rows, t.transpose_a ? a_rows : a_cols,
          t.transpose_b ? b_cols : b_rows, t.transpose_b ? b_rows : b_cols};
}

[[noreturn]] void throw_batch_mismatch(const Shape& a, const Shape& b) {
  throw ShapeError("matmul: batch dimensions of " + a.str() + " and " + b.str() + " do not broadcast");
}

// Runs twice per op (infer, then the kernel), so it allocates nothing and takes the common
// case — equal batch dimensions, none for plain matrices — without the general broadcast.
Plan plan(const Shape& a, const Shape& b, const OpAttrs& t) {
  if (a.rank() < 2 || b.rank() < 2)
    throw ShapeError("matmul: inputs must have rank >= 2, got " + a.str() + " and " + b.str());
  const Dims d = dims(a, b, t);
  if (d.k_a != d.k_b)
    throw ShapeError(std::string("matmul: inner dimensions differ: ") + a.str() +
                     (t.transpose_a ? " (transposed)" : "") + " and " + b.str() +
                     (t.transpose_b ? " (transposed)" : ""));
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
  p.m = d.m;
  p.k = d.k_a;
  p.n = d.n;
  return p;
}

// c [m, n] = A @ B as the plain loop: every element summed in k order, c[i, j] = ((A[i, 0]
// B[0, j]) + A[i, 1] B[1, j]) + ..., vectorised across j only, so that an element's rounding
// does not depend on where the arrays lie.
template <class S>
void ordered_gemm(const S* a, const S* b, S* c, std::int64_t m, std::int64_t k, std::int64_t n, bool ta,
                  bool tb) {
  for (std::int64_t i = 0; i < m; ++i) {
    S* ci = c + i * n;
    for (std::int64_t j = 0; j < n; ++j) ci[j] = S(0);
    for (std::int64_t t = 0; t < k; ++t) {
      const S ait = a[ta ? t * m + i : i * k + t];
      if (tb)
        for (std::int64_t j = 0; j < n; ++j) ci[j] += ait * b[j * k + t];
      else
        for (std::int64_t j = 0; j < n; ++j) ci[j] += ait * b[t * n + j];
    }
  }
}

// c [m, n] = A @ B, where A is a [m, k] (or a [k, m] transposed) and B is b [k, n] (or b
// [n, k] transposed), all row-major.
template <class S>
void gemm(const S* a, const S* b, S* c, std::int64_t m, std::int64_t k, std::int64_t n, bool ta, bool tb) {
  if constexpr (std::is_same_v<S, double>) {
    // Eigen computes a product this small (m + k + n below its GEMM threshold, 20) as dot
    // products that start their packets at the first aligned address, so an element's
    // rounding would depend on where the arrays lie (with -march=native on AVX2 it did:
    // tests/engine/ops/kernel_address_test.cpp). Its GEMM and GEMV do not.
    constexpr std::int64_t kEigenGemmThreshold = 20;
    if (m + k + n < kEigenGemmThreshold) {
      ordered_gemm(a, b, c, m, k, n, ta, tb);
      return;
    }
    using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<RowMat> C(c, m, n);
    if (k == 0) {
      C.setZero();
      return;
    }
    const Eigen::Map<const RowMat> A(a, ta ? k : m, ta ? m : k), B(b, tb ? n : k, tb ? k : n);
    if (!ta && !tb)
      C.noalias() = A * B;
    else if (!ta)
      C.noalias() = A * B.transpose();
    else if (!tb)
      C.noalias() = A.transpose() * B;
    else
      C.noalias() = A.transpose() * B.transpose();
  } else {
    ordered_gemm(a, b, c, m, k, n, ta, tb);
  }
}

// Two matrices (the common case, in every VJP of a matmul too): no batch dimensions to plan,
// broadcast or walk. Building the plan's three batch shapes cost more than an 8×8 GEMM's
// bookkeeping. Their dimensions as read, if they are two matrices that fit.
std::optional<Dims> two_matrices(const Shape& a, const Shape& b, const OpAttrs& t) {
  if (a.rank() != 2 || b.rank() != 2) return std::nullopt;
  const Dims d = dims(a, b, t);
  if (d.k_a != d.k_b) return std::nullopt;
  return d;
}

template <class S>
void forward(const OpAttrs& t, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& as = in[0].spec.shape;
  const Shape& bs = in[1].spec.shape;
  if (const std::optional<Dims> d = two_matrices(as, bs, t)) {
    gemm(in[0].data, in[1].data, out.data, d->m, d->k_a, d->n, t.transpose_a, t.transpose_b);
    return;
  }
  const Plan p = plan(as, bs, t);
  const std::int64_t sa = p.m * p.k, sb = p.k * p.n, sc = p.m * p.n;
  kernel::for_each_broadcast<2>(p.batch, {&p.batch_a, &p.batch_b},
                                [&](std::int64_t i, const std::array<std::int64_t, 2>& o) {
                                  gemm(in[0].data + o[0] * sa, in[1].data + o[1] * sb, out.data + i * sc,
                                       p.m, p.k, p.n, t.transpose_a, t.transpose_b);
                                });
}

TensorSpec infer(const OpAttrs& t, const TensorSpec* in, int n) {
  kernel::expect_arity("matmul", n, 2);
  kernel::expect_same_floating("matmul", in, 0, 1);
  if (const std::optional<Dims> d = two_matrices(in[0].shape, in[1].shape, t))
    return {in[0].dtype, Shape{d->m, d->n}};
  const Plan p = plan(in[0].shape, in[1].shape, t);
  return {in[0].dtype, p.batch.appended(p.m).appended(p.n)};
}

// TF's _MatMulGrad: each partial is one matmul with transpose flags, for each of the four
// layouts (A, B stand for the operands as the product reads them).
void vjp(const VjpArgs& v, std::optional<Tensor>* g) {
  const Tensor& a = v.inputs[0];
  const Tensor& b = v.inputs[1];
  const Tensor& up = v.grad;
  const bool ta = v.attrs.transpose_a, tb = v.attrs.transpose_b;
  Tensor ga, gb;
  if (!ta && !tb) {  // y = a b:     ga = g bᵀ,   gb = aᵀ g
    ga = matmul(up, b, false, true);
    gb = matmul(a, up, true, false);
  } else if (!ta) {  // y = a bᵀ:    ga = g b,    gb = gᵀ a
    ga = matmul(up, b);
    gb = matmul(up, a, true, false);
  } else if (!tb) {  // y = aᵀ b:    ga = b gᵀ,   gb = a g
    ga = matmul(b, up, false, true);
    gb = matmul(a, up);
  } else {           // y = aᵀ bᵀ:   ga = bᵀ gᵀ,  gb = gᵀ aᵀ
    ga = matmul(b, up, true, true);
    gb = matmul(up, a, true, true);
  }
  g[0] = unbroadcast(ga, a.shape());
  g[1] = unbroadcast(gb, b.shape());
}

// Every (row, inner, column) triple is touched: the elements moved, times the inner dimension.
// The inner dimension is a's matrix size over the result's rows, whichever way a is read.
std::int64_t cost(const TensorSpec* in, int n, const TensorSpec& out) {
  std::int64_t inner = 1;
  if (n > 0 && in[0].shape.rank() >= 2 && out.shape.rank() >= 2 && out.shape[out.shape.rank() - 2] > 0) {
    const Shape& a = in[0].shape;
    inner = a[a.rank() - 2] * a[a.rank() - 1] / out.shape[out.shape.rank() - 2];
  }
  return elements_moved(in, n, out) * std::max<std::int64_t>(inner, 1);
}

// Transpose flags the operands fit, one layout drawn among those whose inner dimensions agree
// (a [p, q], b [r, s]: q = r plain, p = r with a transposed, q = s with b transposed, p = s
// with both). The shapes sample_shape draws always fit plainly; small extents often fit other
// ways too, so each VJP layout of TF's _MatMulGrad runs. The plain layout, the one most
// programs use, is drawn half the time: drawn as one among up to four, a bug of its VJP alone
// (a batch broadcast left unsummed) survived 1000 graphs on some seeds.
OpAttrs sample_attrs(const TensorSpec* in, int n, Draw& draw) {
  OpAttrs attrs;
  if (n != 2 || in[0].shape.rank() < 2 || in[1].shape.rank() < 2) return attrs;
  std::vector<std::pair<bool, bool>> fitting;
  for (const bool ta : {false, true})
    for (const bool tb : {false, true}) {
      attrs.transpose_a = ta;
      attrs.transpose_b = tb;
      const Dims d = dims(in[0].shape, in[1].shape, attrs);
      if (d.k_a == d.k_b) fitting.emplace_back(ta, tb);
    }
  attrs = OpAttrs();
  if (fitting.empty() || (fitting.front() == std::make_pair(false, false) && draw.integer(0, 1) == 0)) return attrs;
  const auto pick = fitting[static_cast<std::size_t>(draw.integer(0, static_cast<std::int64_t>(fitting.size()) - 1))];
  attrs.transpose_a = pick.first;
  attrs.transpose_b = pick.second;
  return attrs;
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
    .shape_rule("[..., m, k] @ [..., k, n] -> [..., m, n] (a: [..., k, m] with transpose_a, b: [..., n, k] "
                "with transpose_b), batch dims broadcast")
    .attrs(Attr::transpose_a | Attr::transpose_b).traits(Trait::linalg | Trait::broadcasts)
    .math("y = A @ B (A = a or a^T, B = b or b^T); dA = g @ B^T, dB = A^T @ g (summed over broadcast batch dims)")
    .complex_step_ok().cost(&cost).sample_shape(&sample_shape).sample_attrs(&sample_attrs)
    .vjp_reads(0, {reads::upstream, reads::input(1, Dependence::linear)})
    .vjp_reads(1, {reads::upstream, reads::input(0, Dependence::linear)})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

// The four layouts' attributes, made once. Provenance points at them without owning them
// (an aliasing shared_ptr with no control block): no OpAttrs and no reference count per
// matmul, whose forward is otherwise a few hundred nanoseconds.
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  static const std::array<OpAttrs, 4> layouts = [] {
    std::array<OpAttrs, 4> l;
    for (std::size_t i = 0; i < l.size(); ++i) {
      l[i].transpose_a = (i & 1) != 0;
      l[i].transpose_b = (i & 2) != 0;
    }
    return l;
  }();
  static const std::array<std::shared_ptr<const OpAttrs>, 4> shared = [] {
    std::array<std::shared_ptr<const OpAttrs>, 4> p;
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::shared_ptr<const OpAttrs>(std::shared_ptr<void>(), &layouts[i]);
    return p;
  }();
  return apply_op(op_matmul, {a, b}, shared[(transpose_a ? 1 : 0) | (transpose_b ? 2 : 0)]);
}

}  // namespace tc
