// diag(x): square matrices with x's last axis on the diagonal (tf.linalg.diag):
// x [..., n] -> y [..., n, n], y[..., i, i] = x[..., i], 0 off the diagonal. Linear: the VJP
// is g's diagonal (the transpose of the copy, element_map.hpp; TF's _MatrixDiagGrad is
// matrix_diag_part of g). No kinks.
#include "engine/ops/family_rows.hpp"
#include "engine/ops/linalg/linalg.hpp"
#include "engine/ops/shape/element_map.hpp"

namespace tc {
namespace {

ElementMap diag_map(const OpAttrs&, const TensorSpec* in, int n) {
  kernel::expect_arity("diag", n, 1);
  const Shape& x = in[0].shape;
  if (x.rank() < 1) throw ShapeError("diag: input must have rank >= 1, got " + x.str());
  if (x.rank() + 1 > limits::kMaxRank) throw ShapeError("diag: the result of " + x.str() + " would exceed rank 6");
  std::vector<std::int64_t> dims = x.to_vector();
  dims.push_back(x[x.rank() - 1]);
  const Shape out(dims);
  check_element_cap(out, "diag's result");
  return map_by_index(out, x, [&](const std::vector<std::int64_t>& i, std::vector<std::int64_t>& j) {
    const std::size_t r = i.size();
    if (i[r - 1] != i[r - 2]) return false;
    std::copy(i.begin(), i.end() - 1, j.begin());
    return true;
  });
}

}  // namespace

extern const OpDef op_diag = element_map_rules<&diag_map>(
    layout_row("diag", "linalg", "[..., n] -> [..., n, n]")
        .math("y_ii = x_i, 0 off the diagonal; dx = the diagonal of g")
        .complex_step_ok()
        .vjp_reads(0, {reads::upstream}));

Tensor diag(const Tensor& x) { return apply_op(op_diag, {x}); }

}  // namespace tc
