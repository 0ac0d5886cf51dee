// transpose(x, perm): y[i_0, ..., i_{r-1}] = x[j] with j[perm[d]] = i_d, so
// y.shape[d] = x.shape[perm[d]]; an empty perm reverses the axes (TF's default).
// Linear: the VJP transposes g back with the inverse permutation, inv[perm[d]] = d.
#include <array>
#include <memory>
#include <string>
#include <utility>

#include "engine/ops/family_rows.hpp"
#include "engine/ops/kernel.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/strided.hpp"

namespace tc {
namespace {

std::string list_str(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// perm resolved (empty -> reversed) and validated against x's shape. In a fixed array, not a
// vector: infer and the kernel each resolve it once per op, and the backward pass of every
// matmul runs two transposes.
using Perm = std::array<int, limits::kMaxRank>;
Perm resolve(const std::vector<std::int64_t>& perm, const Shape& s) {
  const int r = s.rank();
  Perm p{};
  if (perm.empty()) {
    for (int d = 0; d < r; ++d) p[d] = r - 1 - d;
    return p;
  }
  std::array<bool, limits::kMaxRank> seen{};
  bool ok = static_cast<int>(perm.size()) == r;
  for (int d = 0; ok && d < r; ++d) {
    const std::int64_t v = perm[d] < 0 ? perm[d] + r : perm[d];
    ok = v >= 0 && v < r && !seen[v];
    if (ok) {
      seen[v] = true;
      p[d] = static_cast<int>(v);
    }
  }
  if (!ok)
    throw ShapeError("transpose: perm " + list_str(perm) + " is not a permutation of the axes of " +
                     s.str());
  return p;
}

template <class S>
void forward(const OpAttrs& a, const In<S>* in, int, const Out<S>& out, Branches*) {
  const Shape& xs = in[0].spec.shape;
  const Perm p = resolve(a.perm, xs);
  if (xs.rank() == 2 && p[0] == 1) {  // a matrix (every matmul's VJP): y[i, j] = x[j, i], no odometer
    const std::int64_t rows = xs[0], cols = xs[1];
    for (std::int64_t i = 0; i < cols; ++i)
      for (std::int64_t j = 0; j < rows; ++j) out.data[i * rows + j] = in[0].data[j * cols + i];
    return;
  }
  const kernel::Strides xst = kernel::row_major_strides(xs);
  kernel::Strides st{};  // x's stride for each axis of y
  for (int d = 0; d < xs.rank(); ++d) st[d] = xst[p[d]];
  kernel::for_each_strided(out.spec.shape, st, 0,
                           [&](std::int64_t i, std::int64_t o) { out.data[i] = in[0].data[o]; });
}

TensorSpec infer(const OpAttrs& a, const TensorSpec* in, int n) {
  kernel::expect_arity("transpose", n, 1);
  const Shape& xs = in[0].shape;
  const Perm p = resolve(a.perm, xs);
  Shape out = xs;
  for (int d = 0; d < xs.rank(); ++d) out[d] = xs[p[d]];
  return {in[0].dtype, out};
}

void vjp(const VjpArgs& a, std::optional<Tensor>* g) {
  const int r = a.inputs[0].shape().rank();
  const Perm p = resolve(a.attrs.perm, a.inputs[0].shape());
  std::vector<std::int64_t> inv(static_cast<std::size_t>(r));
  for (int d = 0; d < r; ++d) inv[p[d]] = d;
  g[0] = transpose(a.grad, inv);
}

}  // namespace

extern const OpDef op_transpose = layout_row("transpose", "linalg", "axes permuted by perm")
    .attrs(Attr::perm)
    .math("y = x with axes permuted; dx = transpose(g, inverse(perm))")
    .complex_step_ok()
    .vjp_reads(0, {reads::upstream})
    .rules(&infer, TC_FORWARDS(forward), &vjp);

Tensor transpose(const Tensor& x, std::vector<std::int64_t> perm) {
  OpAttrs a;
  a.perm = std::move(perm);
  return apply_op(op_transpose, {x}, std::move(a));
}

Tensor matrix_transpose(const Tensor& x) {
  const int r = x.shape().rank();
  if (r < 2) throw ShapeError("matrix_transpose: needs rank >= 2, got shape " + x.shape().str());
  // One permutation per rank, made once: every matmul's VJP transposes twice, and building,
  // moving and freeing an OpAttrs with its perm vector each time cost more than the
  // transpose of an 8×8 matrix.
  static const auto kSwapLastTwo = [] {
    std::array<std::shared_ptr<const OpAttrs>, limits::kMaxRank + 1> by_rank;
    for (int rank = 2; rank <= limits::kMaxRank; ++rank) {
      OpAttrs a;
      for (int d = 0; d < rank; ++d) a.perm.push_back(d);
      std::swap(a.perm[static_cast<std::size_t>(rank - 2)], a.perm[static_cast<std::size_t>(rank - 1)]);
      by_rank[static_cast<std::size_t>(rank)] = std::make_shared<const OpAttrs>(std::move(a));
    }
    return by_rank;
  }();
  return apply_op(op_transpose, {x}, kSwapLastTwo[static_cast<std::size_t>(r)]);
}

}  // namespace tc
